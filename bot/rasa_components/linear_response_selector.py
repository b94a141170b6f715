"""Rasa adapter of `LinearSelector`: fills `response_selector` exactly as Rasa's ResponseSelector does.

Training examples name their knowledge entry in the intent-level metadata written by
bot/cli/generate_nlu.py (`intent: faq`, `metadata: {answer: visale_couple}`); the label is then
`faq/visale_couple`. Every entry is ranked for every message, so `decide()` sees one flat ranking
with real probabilities. Keeping plain intents (not Rasa retrieval intents) means the domain needs
no `utter_faq/...` responses: answers stay in knowledge/.
"""

from typing import Any, Dict, List, Optional, Text

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    METADATA,
    METADATA_INTENT,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.catch_all import catch_all_entries
from bot.knowledge.registry import current_registry
from bot.nlu import context
from bot.nlu.training_data import ANSWER_KEY
from bot.nlu.selector import LinearSelector

MODEL_FILE = "linear_selector.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearResponseSelector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 10.0, "ranking_length": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 selector: Optional[LinearSelector] = None, retrieval_intents: Optional[List[str]] = None):
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._selector = selector
        self._retrieval_intents = retrieval_intents or []

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext):
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs: Any):
        try:
            with model_storage.read_from(resource) as directory:
                payload = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, payload["selector"], payload["retrieval_intents"])

    @staticmethod
    def label_of(example: Message) -> Optional[str]:
        """`<intent>/<entry id>` for an example that names its knowledge entry, else None."""
        metadata = (example.get(METADATA) or {}).get(METADATA_INTENT) or {}
        answer = metadata.get(ANSWER_KEY) if isinstance(metadata, dict) else None
        return f"{example.get(INTENT)}/{answer}" if answer else None

    def train(self, training_data: TrainingData) -> Resource:
        labelled = [(ex.get(TEXT), self.label_of(ex)) for ex in training_data.intent_examples]
        labelled = [(text, label) for text, label in labelled if label]
        selector = LinearSelector(c=float(self._config["C"]))
        selector.fit([text for text, _ in labelled], [label for _, label in labelled])
        intents = sorted({label.split("/", 1)[0] for _, label in labelled})
        payload = {"selector": selector, "retrieval_intents": intents}
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(payload, directory / MODEL_FILE)
        return self._resource

    def process(self, messages: List[Message], tracker: Optional[Any] = None) -> List[Message]:
        """Rank every entry for each message; after an answer, also in the context of the question it
        answered (the `sujet` slot of the conversation's tracker, bot/nlu/context.py)."""
        if self._selector is None:
            return messages
        topic = tracker.get_slot(context.TOPIC_SLOT) if tracker is not None else None
        labels = current_registry().buttons
        previous = context.topic_context(topic, labels)
        if previous is None and tracker is not None:
            previous = context.check_topic(tracker.get_slot("aide"), labels)
        answered = context.answered_entry(topic)
        if previous and answered is None:  # a check's aid: the entry its name alone points to is what it says
            answered = self._selector.rank(previous, 1)[0][0].split("/", 1)[-1]
        length = int(self._config["ranking_length"])
        for message in messages:
            text = message.get(TEXT) or ""
            ranked = self._selector.rank(text, length)
            if previous and not text.startswith("/"):
                alone = ranked
                ranked = context.combine(alone, self._selector.rank(context.with_context(previous, text), length),
                                         length, len(self._selector.labels), answered, catch_all_entries())
                changed = ranked[0][0] != alone[0][0]
                message.set(context.CONTEXT_KEY, context.context_of(topic, changed), add_to_output=True)
                self._follow_intent(message, ranked[0])
            ranking = [
                {INTENT_RESPONSE_KEY: label, PREDICTED_CONFIDENCE_KEY: confidence, "id": index}
                for index, (label, confidence) in enumerate(ranked)
            ]
            best = ranking[0]
            key = best[INTENT_RESPONSE_KEY]
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, {
                RESPONSE_SELECTOR_RETRIEVAL_INTENTS: self._retrieval_intents,
                RESPONSE_SELECTOR_DEFAULT_INTENT: {
                    RESPONSE_SELECTOR_PREDICTION_KEY: {
                        RESPONSE_SELECTOR_RESPONSES_KEY: [{TEXT: key}],
                        PREDICTED_CONFIDENCE_KEY: best[PREDICTED_CONFIDENCE_KEY],
                        INTENT_RESPONSE_KEY: key,
                        RESPONSE_SELECTOR_UTTER_ACTION_KEY: "utter_" + key,
                    },
                    RESPONSE_SELECTOR_RANKING_KEY: ranking,
                },
            }, add_to_output=True)
        return messages

    def _follow_intent(self, message: Message, best: tuple) -> None:
        """A follow-up read in context is a question of the retrieval intent of its best entry, as sure as that
        entry: « et les délais ? » is no longer a hesitant message for the fallback classifier."""
        intent = message.get(INTENT) or {}
        label, confidence = best
        retrieval = label.split("/", 1)[0]
        if intent.get("name") not in self._retrieval_intents or confidence <= (intent.get(PREDICTED_CONFIDENCE_KEY) or 0):
            return
        chosen = {"name": retrieval, PREDICTED_CONFIDENCE_KEY: confidence}
        others = [dict(i) for i in message.get(INTENT_RANKING_KEY) or [] if i.get("name") != retrieval]
        rest = sum(i.get(PREDICTED_CONFIDENCE_KEY) or 0 for i in others) or 1.0
        for other in others:
            other[PREDICTED_CONFIDENCE_KEY] = (other.get(PREDICTED_CONFIDENCE_KEY) or 0) * (1 - confidence) / rest
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen] + others, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
