"""Signers (PKCS#12 file, PKCS#11 token, the demo key made on first use) behind one small interface.
"""
