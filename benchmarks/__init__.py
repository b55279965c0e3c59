"""Benchmarks of the checker: ``python -m benchmarks`` (``make bench``). See __main__.py."""
