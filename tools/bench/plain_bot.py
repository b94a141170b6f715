"""A plain Rasa bot for the overhead ratio: a tiny generated domain answered with static responses by
rules, no custom action, no custom NLU component; the same endpoints.yml (the project's tracker and lock
stores) and Rasa's own REST channel, so the ratio isolates the NLU pipeline and the custom action."""

from pathlib import Path
from typing import Dict

import yaml

PLAIN_CONFIG = """\
recipe: default.v1
language: fr
assistant_id: bench-plain-bot
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: {epochs}
    random_seed: 42
  - name: FallbackClassifier
    threshold: 0.3
policies:
  - name: RulePolicy
"""


def write_plain_bot(base, out: Path, entries: int = 12, epochs: int = 30) -> Dict[str, Path]:
    """Domain, data, config and credentials of a bot answering `entries` knowledge entries (and the
    politeness ones) with one static response each. Returns the paths."""
    chosen = [e for e in base.entries.values() if e.intent == "chitchat"]
    chosen += [e for e in base.entries.values() if e.intent == "faq"][:entries]
    out.mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    intents = [e.id for e in chosen]
    responses = {f"utter_{e.id}": [{"text": " ".join((base.answer_text(e.id, "tous") or e.id).split())[:400]}]
                 for e in chosen}
    responses["utter_fallback"] = [{"text": "Je n'ai pas compris, pouvez-vous reformuler ?"}]
    domain = {"version": "3.1", "intents": intents, "responses": responses,
              "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True}}
    (out / "domain.yml").write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    nlu = ['version: "3.1"', "nlu:"]
    for entry in chosen:
        nlu += [f"  - intent: {entry.id}", "    examples: |"]
        nlu += [f"      - {' '.join(q.split())}" for q in entry.questions]
    (out / "data" / "nlu.yml").write_text("\n".join(nlu) + "\n", encoding="utf-8")
    rules = {"version": "3.1", "rules": [
        {"rule": f"answer {e.id}", "steps": [{"intent": e.id}, {"action": f"utter_{e.id}"}]} for e in chosen]}
    rules["rules"].append({"rule": "fallback", "steps": [{"intent": "nlu_fallback"}, {"action": "utter_fallback"}]})
    (out / "data" / "rules.yml").write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    (out / "config.yml").write_text(PLAIN_CONFIG.format(epochs=epochs), encoding="utf-8")
    (out / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    return {"domain": out / "domain.yml", "data": out / "data", "config": out / "config.yml",
            "credentials": out / "credentials.yml", "intents": len(intents)}
