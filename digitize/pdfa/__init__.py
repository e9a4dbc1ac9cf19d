"""PDF/A writing (page images, invisible text layer, glyph-less font, XMP) and the independent conformance
checks (`checks/`), which share one namespace module with the writer.
"""
