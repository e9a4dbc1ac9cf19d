"""PDF/A conformance checks used by `verify`: objects (fonts, colour, actions, forms) and XMP
(identification, extension schemas, Info consistency); each problem names its ISO 19005 clause.
"""
