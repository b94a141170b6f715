"""The SMS budget of the answers (`make quality`): every FAQ entry and every verdict the applicant personas reach,
worded for SMS as the Twilio channel words them, measured by bot/evaluation/sms_budget.py.

    .venv/bin/python -m tests.channels.sms_budget [--append docs/quality.md]
"""

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Dict

from bot.answering.audience import EVERYONE
from bot.answering.render import SMS_KEY, render_entry
from bot.channels.sms import turn_text
from bot.dialogue.conversation import verdict_replies
from bot.evaluation.sms_budget import measure, section
from bot.knowledge import load_knowledge
from bot.rules import load_rules
from bot.situation.derive import derive
from bot.situation.geography import load_communes
from bot.situation.reader import SituationReader
from tests.personas.run_library import load_personas, region_of, run

PERSONA_FILES = ("personas.yml", "screening.yml", "personas_final.yml")
TODAY = dt.date(2026, 12, 2)  # the personas' day (tests/personas/run_library.py)


def as_sms(base, messages) -> str:
    texts = base.messages
    return turn_text(messages, sms=True, short_key=SMS_KEY, source_label=texts.source,
                     choices_intro=texts.numbered_choices, more=texts.sms_more)


def entry_texts(base) -> Dict[str, str]:
    """Each entry's answer to an applicant, as one SMS text."""
    texts = {}
    for entry_id, entry in base.entries.items():
        reply = render_entry(entry, base, EVERYONE, TODAY)
        texts[entry_id] = as_sms(base, [{"text": reply.text, "buttons": reply.buttons, SMS_KEY: reply.sms}])
    return texts


def verdict_texts(base) -> Dict[str, str]:
    """The verdict (or screening summary) each applicant persona ends with, as one SMS text."""
    rules = load_rules()
    reader = SituationReader.from_knowledge(Path("knowledge"))
    communes = load_communes("knowledge")
    texts = {}
    for persona in load_personas(PERSONA_FILES):
        if persona.channel == "staff":
            continue
        persona.zone = region_of(persona.facts.get("commune"), communes)
        got, _, situation = run(persona, base, rules, reader, lambda s: derive(s, communes), TODAY)
        if not got:
            continue
        replies, _ = verdict_replies(persona.request, situation, base, rules, False, TODAY)
        texts[persona.id] = as_sms(base, [{"text": r.text, "buttons": r.buttons, SMS_KEY: r.sms} for r in replies])
    return texts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--append", type=Path, default=None, help="append the section to this Markdown file")
    args = parser.parse_args(argv)
    base = load_knowledge("knowledge")
    budgets = [measure("FAQ entries (applicants)", entry_texts(base)),
               measure("Verdicts of the applicant personas", verdict_texts(base))]
    text = section(budgets)
    if args.append:
        with args.append.open("a", encoding="utf-8") as out:
            out.write(text)
    print(text)
    return 0 if args.append or all(b.met for b in budgets) else 1  # a report when appending, as run_library


if __name__ == "__main__":
    sys.exit(main())
