"""Benchmarks (`make bench`): see docs/PERFORMANCE.md. Not collected by pytest (bench_*.py)."""
