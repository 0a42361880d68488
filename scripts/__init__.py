"""Benchmark and fault-check tooling, run by hand or from the Makefile; not part of the product."""
