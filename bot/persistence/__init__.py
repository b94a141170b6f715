"""Persistence, privacy and operations: tracker store, lock store, the bot's own tables, retention.
Public API and settings: docs/deployment.md; data inventory: docs/privacy.md. The modules without
Rasa imports (redaction, config, db, models, repository, retention, maintenance) are also used by
the action server and the command-line tools; the editors' report that reads the tables is in
bot/editorial/."""
