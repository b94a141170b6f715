"""Score a multi-turn follow-up set (tests/nlu/followups*.yml) with the trained model and the action server.

    python -m bot.cli.followups --set tests/nlu/followups_dev.yml            # figures and failures
    python -m bot.cli.followups --set tests/nlu/followups.yml --append docs/quality.md

The action server is started on a free port with a temporary database (bot/cli/serve.py Stack); the
agent runs in this process (bot/evaluation/followups.py).
"""

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path

from bot.cli.serve import DEFAULT_MODEL, Stack, free_port
from bot.knowledge.schema import ELIGIBILITY_AIDS
from bot.evaluation import followups
from bot.knowledge import load_knowledge


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Rejoue les conversations de suivi et note la dernière réponse.")
    parser.add_argument("--set", type=Path, default=Path("tests/nlu/followups_dev.yml"))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    parser.add_argument("--append", type=Path, default=None, help="append the figures to this Markdown file")
    parser.add_argument("--failures", type=int, default=40, help="failures printed (and 15 in the Markdown)")
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.basicConfig(level=logging.WARNING)
    base = load_knowledge(args.knowledge)
    conversations = followups.read_followups(args.set, list(base.entries), list(ELIGIBILITY_AIDS) + ["toutes"])
    with tempfile.TemporaryDirectory() as home:
        stack = Stack(action_port=free_port(), rasa_port=free_port(), tracker_url=f"sqlite:///{home}/bot.db",
                      knowledge_dir=args.knowledge.resolve(), log_dir=Path(home) / "log")
        try:
            stack.start_actions()
            agent = followups.load_agent(args.model, f"{stack.action_url}/webhook")
            judged = asyncio.run(followups.evaluate(agent, conversations, base))
        finally:
            stack.stop()
    figures = followups.summary(judged)
    for name, values in figures.items():
        print(f"{name:16} n={values['n']:4}  juste={values['right']:.3f}  vouliez-vous dire={values['clarify']:.1%}")
    for item in [j for j in judged if not j.right][:args.failures]:
        print(f"  ✗ {item.followup.id} {item.followup.kind} {item.followup.turns} attendu "
              f"{item.followup.entry or ''} {item.followup.check or ''} → {item.reply[:160]}")
    if args.append:
        with args.append.open("a", encoding="utf-8") as out:
            out.write("\n" + followups.to_markdown(figures, str(args.set), judged))
    return 0


if __name__ == "__main__":
    sys.exit(main())
