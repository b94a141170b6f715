"""Measure what users get: right answer, clarification or fallback, on a held-out test set."""
