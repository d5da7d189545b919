"""Benchmarks behind `fairbot bench ...`: each prints its figures, targets and baseline."""
