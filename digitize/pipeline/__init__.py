"""Page work (decode, quality, geometry, OCR), document assembly (fields, PDF/A) and the scheduler that
runs them over a pool of worker processes; the coordinator signs and alone writes the store.
"""
