"""NLU component that normalises SMS abbreviations and spelling variants before tokenisation.

The lexicon (knowledge/lexique.yml) is read at training time and stored inside the model, so the
text seen at prediction time is normalised exactly as the training examples were.
"""

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge import KnowledgeErrors
from bot.knowledge.loader import parse_yaml, validate_model
from bot.knowledge.schema import LexiconFile
from bot.nlu.normalize import TextNormalizer

ORIGINAL_TEXT = "original_text"


def read_lexicon(path: Path) -> LexiconFile:
    data, lines = parse_yaml(path.read_bytes(), str(path))
    lexicon, errors = validate_model(LexiconFile, data, lines, str(path))
    if errors:
        raise KnowledgeErrors(errors)
    return lexicon


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class LexiconNormalizer(GraphComponent):
    """Rewrites TEXT with `TextNormalizer`; keeps the typed text under `original_text`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"lexicon": "knowledge/lexique.yml"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 lexicon: Optional[Dict[str, Any]] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon = lexicon or {"abreviations": {}, "variantes": {}}
        self._normalizer = TextNormalizer(self._lexicon["abreviations"], self._lexicon["variantes"])

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> "LexiconNormalizer":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs: Any) -> "LexiconNormalizer":
        lexicon = None
        try:
            with model_storage.read_from(resource) as directory:
                lexicon = json.loads((directory / "lexicon.json").read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            pass
        return cls(config, model_storage, resource, lexicon)

    def train(self, training_data: TrainingData) -> Resource:
        lexicon = read_lexicon(Path(self._config["lexicon"]))
        payload = {"abreviations": lexicon.abreviations, "variantes": lexicon.variantes}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "lexicon.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return self._resource

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text or message.get(ENTITIES):  # annotated entity spans must keep their offsets
            return
        normalized = self._normalizer.normalize(text)
        if normalized != text:
            message.set(ORIGINAL_TEXT, text)
            message.set(TEXT, normalized)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages
