"""From an NLU parse to the reply: which knowledge entry to answer, and how to word it."""
