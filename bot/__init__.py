"""Pure-Python core of the Action Logement assistant (no Rasa import in knowledge and rules code)."""
