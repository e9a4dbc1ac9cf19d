"""Archive batches: manifests (CSV/XLSX) and dossier folders, still-valid rules, the batch run with its
executors (local pool, Dask), exactly-once storing and resume.
"""
