"""The eligibility conversation: read facts from messages, pick the next question, word the verdict."""
