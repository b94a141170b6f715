"""Last NLU component: a message showing distress becomes intent `detresse`, whatever else was predicted.

Two signals, either is enough: a strong cue from knowledge/detresse.yml (read at run time, so an
editor's new cue works on the next message without retraining), or the trained models (the
`detresse` intent of DIET, or a `detresse/<situation>` first choice of the entry selector). The
situation is written as entity `situation_detresse`; distress turns are never answered as FAQ.
"""

import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.answering.decision import selector_ranking
from bot.knowledge import KnowledgeErrors
from bot.knowledge.loader import DISTRESS_FILE, parse_yaml, validate_model
from bot.knowledge.schema import DistressFile
from bot.nlu.training_data import DISTRESS_INTENT
from bot.rasa_components.text_normalizer import ORIGINAL_TEXT
from bot.safety.distress import DistressDetector

logger = logging.getLogger(__name__)
ENTITY = "situation_detresse"
CLASSIFIED_INTENT = "intent_before_distress_guard"  # kept in the parse data, for analysis


class CueFile:
    """knowledge/detresse.yml cues, reloaded when the file changes; a broken edit keeps the last good cues."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp: Optional[Tuple[int, int]] = None
        self.detector = DistressDetector({})

    def current(self) -> DistressDetector:
        try:
            stat = self.path.stat()
        except OSError:
            return self.detector
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                data, lines = parse_yaml(self.path.read_bytes(), str(self.path))
                parsed, errors = validate_model(DistressFile, data, lines, str(self.path))
                if errors:
                    raise KnowledgeErrors(errors)
                self.detector = DistressDetector.from_situations(parsed.situations)
            except (KnowledgeErrors, OSError) as exc:
                logger.error("Indices de détresse non rechargés, les précédents restent actifs : %s", exc)
        return self.detector


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DistressGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # The model signal is the selector's total probability on distress situations: alone above
        # `selector_threshold`, or above `supported_threshold` when DIET's intent agrees strongly.
        return {"selector_threshold": 0.4, "supported_threshold": 0.25, "intent_threshold": 0.9}

    def __init__(self, config: Dict[Text, Any]):
        self._config = {**self.get_default_config(), **config}
        knowledge = Path(os.environ.get("KNOWLEDGE_DIR", "knowledge"))
        self._cues = CueFile(knowledge / DISTRESS_FILE)

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> "DistressGuard":
        return cls(config)

    def _situation_from_models(self, message: Message) -> Optional[str]:
        ranking = selector_ranking({"response_selector": message.get(RESPONSE_SELECTOR_PROPERTY_NAME)})
        distress = [(entry, confidence) for intent, entry, confidence in ranking if intent == DISTRESS_INTENT]
        if not distress:
            return None
        mass = sum(confidence for _, confidence in distress)
        intent = message.get(INTENT) or {}
        intent_agrees = (intent.get("name") == DISTRESS_INTENT
                         and intent.get("confidence", 0) >= self._config["intent_threshold"])
        if mass >= self._config["selector_threshold"] or (intent_agrees and mass >= self._config["supported_threshold"]):
            return distress[0][0]
        return None

    @staticmethod
    def _demote_unconfirmed_distress(message: Message) -> None:
        """DIET alone said `detresse` but neither a cue nor the selector agrees: use its next intent."""
        intent = message.get(INTENT) or {}
        if intent.get("name") != DISTRESS_INTENT:
            return
        others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != DISTRESS_INTENT]
        message.set(CLASSIFIED_INTENT, intent, add_to_output=True)
        message.set(INTENT, others[0] if others else {"name": "nlu_fallback", "confidence": 0.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, others, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detector = self._cues.current()
            match = detector.detect(message.get(ORIGINAL_TEXT) or text) or detector.detect(text)
            situation, extractor = (match.situation, "DistressGuard:cue") if match else (
                self._situation_from_models(message), "DistressGuard:model")
            if not situation:
                self._demote_unconfirmed_distress(message)
                continue
            message.set(CLASSIFIED_INTENT, message.get(INTENT), add_to_output=True)
            message.set(INTENT, {"name": DISTRESS_INTENT, "confidence": 1.0}, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != DISTRESS_INTENT]
            message.set(INTENT_RANKING_KEY, [{"name": DISTRESS_INTENT, "confidence": 1.0}] + ranking,
                        add_to_output=True)
            entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != ENTITY]
            entities.append({"entity": ENTITY, "value": situation, "start": 0, "end": len(text),
                             "extractor": extractor, "confidence": 1.0})
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
