"""Language helpers used before and around the NLU model (pure Python)."""
