"""Scale benchmarks: run on demand (python -m benchmarks.run), not in the test suite."""
