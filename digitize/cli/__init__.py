"""The command line: one module per command group (run and store, batch and watch, verify and keys,
profiles); each parses its options, calls the layers below and prints. One error handler turns the error tree
into exit codes.
"""
