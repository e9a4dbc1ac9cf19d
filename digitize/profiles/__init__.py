"""Document-type profiles: the loader and checker, and the built-in profiles (`builtin/*.yaml`, package
data so an installed wheel has them).
"""
