"""Where documents come from: the one folder scanner shared by run, batch and watch, and the hot folder.
"""
