"""Rasa-side extensions: the custom NLU components named in config.yml (Rasa imports them by their
module path when it trains or loads a model, which registers them), and `install`, called at start-up
by `python -m bot.rasa_components` (the Rasa command line that `make run`, the tests' stack and
docs/deploy/compose.yml start). The rest of bot/ never imports Rasa."""


def install() -> None:
    """Put the project's changes to Rasa in place, before the Rasa server starts: Rasa's check of each
    action server reply with its validator built once (action_reply_check.py), the model loaded without
    spaCy's unused components and without tracing DIET's training graph (model_loading.py)."""
    from bot.rasa_components import action_reply_check, model_loading
    action_reply_check.install()
    model_loading.install()
