"""Safety first: recognise distress and emergencies in any message (no Rasa import)."""
