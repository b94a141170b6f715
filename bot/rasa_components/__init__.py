"""Rasa-side extensions (NLU components); the rest of bot/ never imports Rasa."""
