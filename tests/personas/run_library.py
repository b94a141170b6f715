"""Run the personas against the library (bot.dialogue.conversation), in process: fast, no servers.

    .venv/bin/python -m tests.personas.run_library [--only ID] [--verbose] [--files personas_final.yml]

The same personas run end to end against the real Rasa and action servers in tests/personas/test_personas.py
(`make personas`); this runner is the quick loop for developers and prints the same table.
"""

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path
from typing import List

import yaml

from bot.dialogue.conversation import check_turn, verdict_replies
from bot.dialogue.turn import CheckState, payload_answer
from bot.eligibility.aids import detect_aid
from bot.knowledge import load_knowledge
from bot.rules import load_rules
from bot.situation.derive import derive
from bot.situation.geography import load_communes
from bot.situation.model import Situation
from bot.situation.reader import SituationReader
from tests.personas.simulated_user import Exchange, Persona, answer

HERE = Path(__file__).parent
FILES = ("personas.yml", "screening.yml")
MAX_TURNS = 25


def load_personas(files=FILES) -> List[Persona]:
    personas = []
    for name in files:
        data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        personas += [Persona.from_yaml(item) for item in data["personas"]]
    return personas


def region_of(commune, communes):
    """The zone a person living in `commune` would give (an Île-de-France namesake wins: people say « Montreuil »)."""
    from bot.situation.geography import visale_zone
    if not commune:
        return None
    candidates = communes.find(commune)
    zones = [visale_zone(c) for c in candidates]
    return "ile_de_france" if "ile_de_france" in zones else (zones[0] if zones else None)


def run(persona: Persona, base, rules, reader, derive_, today: dt.date, verbose: bool = False):
    situation, state = Situation(), CheckState()
    exchange = Exchange()
    staff = persona.channel == "staff"
    message, intent = persona.opening, "eligibilite"
    for _ in range(MAX_TURNS):
        button = payload_answer(message)
        aid = detect_aid(message) if button is None else None
        if state.target is None and aid is None and button is None and _ == 0:
            aid = persona.request
        result = check_turn(message, intent, button, aid, situation, state, base, rules, reader, derive_, staff=staff,
                            today=today)
        situation, state = result.situation, result.state
        if verbose:
            print("  >", message)
            for reply in result.replies:
                print("  <", reply.text.replace("\n", " | ")[:300])
        if result.complete:
            _, decisions = verdict_replies(state.target, situation, base, rules, staff, today)
            return {aid: d.status for aid, d in decisions.items()}, exchange, situation
        last = result.replies[-1] if result.replies else None
        if last and not any("reponse" in (b.get("payload") or "") for b in last.buttons) and state.target is None:
            message = "/eligibilite" + '{"aide": "%s"}' % persona.request
            button, aid = None, persona.request
            continue
        message = answer(persona, last.text if last else "", last.buttons if last else [], rules.facts, exchange)
        intent = "informer"
        if message is None:
            return {}, exchange, situation
    return {}, exchange, situation


TABLE_HEAD = ["", "## Personas: verdicts against the official rules", "",
              "Each persona's verdicts were fixed from the official rules (never from the bot's output); the simulated "
              "user answers only what is asked (tests/personas/FORMAT.md). Run in process (`python -m "
              "tests.personas.run_library`); `make personas` runs the same over REST, the staff channel and SMS. "
              "Targets: every verdict right; median questions over the minimum needed ≤ 1.", "",
              "| Set | Personas | All verdicts right | Median questions over the minimum (single aid / screening) |",
              "|---|---|---|---|"]


def score(personas):
    """(right, total, medians of the questions asked over the minimum, by kind) of a list of personas."""
    base, rules = load_knowledge("knowledge"), load_rules()
    reader = SituationReader.from_knowledge(Path("knowledge"))
    communes = load_communes("knowledge")
    right, over = 0, {"single": [], "screening": []}
    for persona in personas:
        persona.zone = region_of(persona.facts.get("commune"), communes)
        got, exchange, _ = run(persona, base, rules, reader, lambda s: derive(s, communes), dt.date(2026, 12, 2))
        right += all(got.get(aid) == want for aid, want in persona.expected.items())
        over["screening" if persona.request == "toutes" else "single"].append(
            len(exchange.asked) - persona.minimum_questions)
    return right, len(personas), {kind: statistics.median(v) for kind, v in over.items() if v}


def table_row(name, right, total, medians) -> str:
    median = " / ".join(str(medians.get(kind, "–")) for kind in ("single", "screening"))
    return f"| `tests/personas/{name}` | {total} | **{right}/{total}** | {median} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--files", nargs="+", default=list(FILES),
                        help="persona files of tests/personas (personas_final.yml: once, at the end)")
    parser.add_argument("--append", type=Path, default=None,
                        help="append a table of the figures, one row per file, to this Markdown file")
    args = parser.parse_args(argv)
    if args.append:
        rows = [table_row(name, *score(load_personas([name]))) for name in args.files]
        with args.append.open("a", encoding="utf-8") as out:
            out.write("\n".join(TABLE_HEAD + rows) + "\n")
        print("\n".join(TABLE_HEAD + rows))
        return 0
    base, rules = load_knowledge("knowledge"), load_rules()
    reader = SituationReader.from_knowledge(Path("knowledge"))
    communes = load_communes("knowledge")
    today = dt.date(2026, 12, 2)
    right = total = 0
    extra_questions = {"single": [], "screening": []}
    for persona in load_personas(args.files):
        if args.only and persona.id != args.only:
            continue
        persona.zone = region_of(persona.facts.get("commune"), communes)
        got, exchange, situation = run(persona, base, rules, reader, lambda s: derive(s, communes), today,
                                       args.verbose)
        wrong = {aid: (got.get(aid), want) for aid, want in persona.expected.items() if got.get(aid) != want}
        total += 1
        right += not wrong
        kind = "screening" if persona.request == "toutes" else "single"
        extra_questions[kind].append(len(exchange.asked) - persona.minimum_questions)
        if wrong or args.verbose or len(exchange.asked) > persona.minimum_questions + 1:
            print(f"{'OK ' if not wrong else 'BAD'} {persona.id}: asked {len(exchange.asked)} (min "
                  f"{persona.minimum_questions}) {exchange.asked} wrong={wrong} unknowable={exchange.could_not_know}")
    medians = {kind: statistics.median(over) for kind, over in extra_questions.items() if over}
    print(f"right {right}/{total}; median questions over the minimum {medians}")
    return 0 if right == total else 1


if __name__ == "__main__":
    sys.exit(main())
