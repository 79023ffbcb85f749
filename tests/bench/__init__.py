"""Benchmarks, run by ``make bench`` (``python -m tests.bench.run``), not by pytest."""
