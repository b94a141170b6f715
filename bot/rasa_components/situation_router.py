"""NLU component: a message about the person's own situation goes to the eligibility check.

The intent classifier knows questions; people often describe their situation instead (« 33a interim
depuis 3 semaines, 1750 net, T1 a reims 520cc, visale? »), which it may take for an unknown message,
an out-of-scope topic or a vague FAQ question. The situation reader (bot.situation.reader, words in
knowledge/situation.yml, read at run time) counts the facts the message states; the decision is
bot.answering.routing.asks_about_own_situation. The intent it replaces is kept in the parse data as
`intent_before_situation_router`. Placed before the DistressGuard, which always has the last word.
A request to draft the referral to the support service (bot.answering.routing.asks_for_referral) goes
to the `saisine` intent the same way.
"""

import datetime as dt
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.answering.routing import (ELIGIBILITY_INTENT, asks_about_own_situation, asks_for_referral, asks_how_it_works,
                                   facts_stated)

REFERRAL_INTENT = "saisine"
from bot.eligibility.aids import SCREENING, asks_for_self, detect_aid
from bot.rasa_components.text_normalizer import ORIGINAL_TEXT
from bot.rules.ruleset import default_knowledge_dir
from bot.situation.reader import current_reader

logger = logging.getLogger(__name__)
ROUTED_FROM = "intent_before_situation_router"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SituationRouter(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # `firm`: the entry-selector probability at which a message is read as that entry's question;
        # `min_facts`: facts that make a message about the situation (one is enough with an aid named);
        # `min_facts_when_firm`: the facts needed against a firm question. Chosen on the dev personas.
        return {"firm": 0.6, "min_facts": 2, "min_facts_when_firm": 5}

    def __init__(self, config: Dict[Text, Any]):
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SituationRouter":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._route(message)
        return messages

    def _route(self, message: Message) -> None:
        text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
        parse = {"intent": message.get(INTENT) or {},
                 "response_selector": message.get(RESPONSE_SELECTOR_PROPERTY_NAME)}
        if not text or text.startswith("/"):
            return
        if asks_for_referral(text):  # « prépare-moi le mail pour le service d'accompagnement »
            self._set_intent(message, parse, REFERRAL_INTENT)
            return
        if parse["intent"].get("name") == ELIGIBILITY_INTENT:
            return
        aid: Optional[str] = detect_aid(text)
        try:
            reading = current_reader(default_knowledge_dir()).read(text, today=dt.date.today())
        except Exception as exc:  # noqa: BLE001 (a broken knowledge edit never stops the understanding)
            logger.error("Lecture de la situation impossible : %s", exc)
            return
        if not asks_about_own_situation(parse, facts_stated(reading), aid if aid != SCREENING else None,
                                        aid == SCREENING, asks_for_self(text), float(self._config["firm"]),
                                        int(self._config["min_facts"]), int(self._config["min_facts_when_firm"]),
                                        asks_how_it_works(text)):
            return
        self._set_intent(message, parse, ELIGIBILITY_INTENT)

    @staticmethod
    def _set_intent(message: Message, parse: dict, intent: str) -> None:
        """Replace the intent (the one replaced is kept in the parse data)."""
        message.set(ROUTED_FROM, parse["intent"], add_to_output=True)
        message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
        message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}] + ranking, add_to_output=True)
