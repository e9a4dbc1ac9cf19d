"""Hand-over to the archive: originals kept on ingest, E-ARK (CSIP 2.1 / SIP 2.1) packages, package verification."""
