"""One wrapper module per external program: it owns the command line, the version check and the
translation of failures into DigitizeError. Nothing else in the project runs these programs."""
