"""Benchmarks: each `bench_*.py` prints its numbers and writes its part of docs/performance.md."""
