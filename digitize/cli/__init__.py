"""The command line: one module per command group (run and store, batch and watch, verify and keys,
profiles); each parses its options, calls the layers below and prints. One error handler turns the error tree
into exit codes.
"""
from __future__ import annotations

import warnings

# Dependencies' notices to their own developers are not the user's business: pyHanko imports
# cryptography's DSA names, which warns on every command that verifies or signs. Set here, at the
# start of any command, so the server and the forkserver's workers (which import the CLI) have it too.
warnings.filterwarnings("ignore", message=r"DSA is deprecated", module=r"pyhanko(\.|$)")
