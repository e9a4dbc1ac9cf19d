"""Reading the page: preprocessing, regions, the engine, tone marks, repair, the readable-line filter and
the signer block."""
