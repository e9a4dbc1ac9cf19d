"""The stages, one module each with a typed input and output: ingest, quality, geometry, OCR, field
extraction (`extract/`) and signature. Stages never import the CLI, the store or each other's internals."""
