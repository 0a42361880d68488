"""A synthetic national dataset at the real sizes, for benchmarks: ``python -m scripts.national``.

Nothing here is imported by the product. The modules need Django set up (``__main__`` does it), so
this package itself imports nothing.
"""
