"""Peiyu's benchmarks: `make bench` (or `python -m bench --scale small|full`)."""
