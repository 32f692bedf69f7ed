"""Benchmarks for policyclip (not part of the test suite): `python -m bench`."""
