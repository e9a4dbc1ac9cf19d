"""Batch and audit reports as HTML (self-contained), JSON and CSV.
"""
