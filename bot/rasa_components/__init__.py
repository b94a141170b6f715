"""Rasa-side extensions (NLU components, and the cheaper check of action server replies, installed on
import so that it is in place wherever Rasa loads the project's components); the rest of bot/ never
imports Rasa."""

from bot.rasa_components import action_reply_check

action_reply_check.install()
