"""Rasa input channels of the assistant (edge code: the only place that knows HTTP channel details)."""
