"""Signature and PDF/A verification: verdict types, per-signature checks, trust (roots, chains, policy),
the per-file and per-store verification used by `digitize verify`.
"""
