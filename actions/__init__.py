"""Rasa SDK adapters: thin actions that call the bot/ library."""
