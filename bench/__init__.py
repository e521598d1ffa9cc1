"""Benchmarks of the generator and the site: `python -m bench.run` (see BENCHMARKS.md)."""
