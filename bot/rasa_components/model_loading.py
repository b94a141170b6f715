"""Lighter loading of the trained model by the Rasa server: same predictions, less memory and start-up time.

- **spaCy without its unused components.** Rasa's `SpacyNLP` loads `fr_core_news_md` with the parser
  disabled (still in memory) and the named-entity recogniser running on every message (its own tok2vec
  network), though nothing reads spaCy's entities or parse (DIET and the project's components use the
  tokens, lemmas, part-of-speech tags and vectors only). Here both are excluded: never loaded, never
  run. Tokens, lemmas, tags and vectors come from `tok2vec`, `morphologizer`, `attribute_ruler` and
  `lemmatizer`, which are kept and unchanged. Rasa loads the model twice (two graph nodes, one of
  which only holds it): here once, shared (the model is only read).
- **DIET's weights built eagerly.** Rasa builds a model's variables before loading its trained weights
  by fitting it for one step on one example, which traces the whole training graph with autograph
  (about 8 s of CPU at start-up, for a graph inference never uses). The same step, run eagerly,
  creates the same variables; the trained weights then overwrite them, and inference still runs the
  traced prediction graph, as before.

Installed at start-up by `bot.rasa_components.install` (the Rasa server, the bench's profile); training
is not affected. tests/nlu/test_model_loading.py checks that the parse of the held-out messages is the
same with and without.
"""

from typing import Any, Dict

UNUSED_SPACY_COMPONENTS = ("parser", "ner", "senter")
_loaded_spacy_models: Dict[str, Any] = {}


def load_spacy_model(spacy_model_name: str):
    """Drop-in for `SpacyNLP.load_model`: Rasa's checks, the unused components excluded, loaded once
    per process (Rasa's graph creates `SpacyNLP` twice, for its `provide` and `run` nodes)."""
    if spacy_model_name not in _loaded_spacy_models:
        _loaded_spacy_models[spacy_model_name] = _load_spacy_model(spacy_model_name)
    return _loaded_spacy_models[spacy_model_name]


def _load_spacy_model(spacy_model_name: str):
    import spacy
    from rasa.nlu.utils import spacy_utils

    real_load = spacy.load

    def load_without_unused(name, *args: Any, **kwargs: Any):
        kwargs.pop("disable", None)
        kwargs["exclude"] = sorted(set(kwargs.get("exclude") or ()) | set(UNUSED_SPACY_COMPONENTS))
        return real_load(name, *args, **kwargs)

    spacy.load = load_without_unused
    try:
        return _original_spacy_loader(spacy_model_name)
    finally:
        spacy.load = real_load


def load_rasa_model(cls, model_file_name, model_data_example, predict_data_example=None,
                    finetune_mode: bool = False, *args: Any, **kwargs: Any):
    """Drop-in for `RasaModel.load`: the one-step fit that builds the variables runs eagerly."""
    import tensorflow as tf
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY

    if finetune_mode:  # further training needs Rasa's own graph: keep its way
        return _original_rasa_model_load.__func__(cls, model_file_name, model_data_example, predict_data_example,
                                                  finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.run_eagerly = config.get(RUN_EAGERLY)  # as Rasa compiles it: inference traced unless configured
    model.load_weights(model_file_name)
    if predict_data_example:
        model.run_inference(predict_data_example)
    return model


_original_spacy_loader = None
_original_rasa_model_load = None


def install() -> None:
    """Replace Rasa's loaders (idempotent)."""
    global _original_spacy_loader, _original_rasa_model_load
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    if _original_spacy_loader is None:
        _original_spacy_loader = SpacyNLP.load_model
        SpacyNLP.load_model = staticmethod(load_spacy_model)
    if _original_rasa_model_load is None:
        _original_rasa_model_load = RasaModel.__dict__["load"]
        RasaModel.load = classmethod(load_rasa_model)
