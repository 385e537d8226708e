"""Compiling: a checked `RubricModel` -> a `Program`, one generated Python function and the layout of its entries."""
