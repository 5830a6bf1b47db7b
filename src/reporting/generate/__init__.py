"""Synthetic and demo raw data for tests, benchmarks and the demo council."""
