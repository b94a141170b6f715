"""Multi-turn follow-ups: replay short conversations through the real Rasa agent and judge the last turn.

A conversation file (tests/nlu/followups*.yml) lists conversations of 2 or 3 turns, each with its
`kind` (ellipsis, switch, check_question, greeting), its `channel` (public or staff) and what the last
turn must give: `entry` (that knowledge entry's answer, for the channel's audience), `check` (the
eligibility check of that aid is running or has given its verdict), or both (a FAQ question inside a
check: the answer, then the check's pending question again).

The agent is `rasa.core.agent.Agent` loaded from the trained model, with the action server of the
project behind its action endpoint and an in-memory tracker store, so the answers are those users get
and the slots can be read after the last turn. « Vouliez-vous dire… ? » is counted on every last turn:
the messages of these sets are all clear.
"""

import logging
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

from bot.answering.audience import EVERYONE, PROFESSIONALS

KINDS = ("ellipsis", "switch", "check_question", "greeting")
CHANNELS = {"public": ("rest", EVERYONE), "staff": ("staff", PROFESSIONALS)}  # set name -> (input channel, audience)


@dataclass(frozen=True)
class FollowUp:
    id: str
    kind: str
    channel: str
    turns: List[str]
    entry: Optional[str] = None
    check: Optional[str] = None


@dataclass(frozen=True)
class LastTurn:
    """What the bot did with the last message: its texts and the check slots afterwards."""

    texts: List[str]
    aid: Optional[str] = None            # slot `aide`: the check running
    asking: Optional[str] = None         # the fact of the pending question (slot `verification`)
    verified: List[str] = field(default_factory=list)  # slot `verifiees`: aids whose verdict was given


@dataclass(frozen=True)
class Judged:
    followup: FollowUp
    right: bool
    clarified: bool
    reply: str


def read_followups(path: Path, known_entries: Sequence[str] = (), known_aids: Sequence[str] = ()) -> List[FollowUp]:
    """The conversations of one file; a malformed one is a ValueError naming it."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out, seen = [], set()
    for item in data.get("conversations") or []:
        name = str(item.get("id"))
        expect = item.get("expect") or {}
        turns = item.get("turns") or []
        problems = []
        if name in seen:
            problems.append("identifiant en double")
        if item.get("kind") not in KINDS:
            problems.append(f"kind inconnu : {item.get('kind')!r}")
        if item.get("channel") not in CHANNELS:
            problems.append(f"channel inconnu : {item.get('channel')!r}")
        if not 2 <= len(turns) <= 3 or not all(isinstance(t, str) and t.strip() for t in turns):
            problems.append("il faut 2 ou 3 tours non vides")
        if not expect.get("entry") and not expect.get("check"):
            problems.append("expect sans entry ni check")
        if known_entries and expect.get("entry") and expect["entry"] not in known_entries:
            problems.append(f"fiche inconnue : {expect['entry']}")
        if known_aids and expect.get("check") and expect["check"] not in known_aids:
            problems.append(f"aide inconnue : {expect['check']}")
        if problems:
            raise ValueError(f"{path} : conversation {name} : " + " ; ".join(problems))
        seen.add(name)
        out.append(FollowUp(name, item["kind"], item["channel"], list(turns), expect.get("entry"), expect.get("check")))
    return out


def flat(text: str) -> str:
    return " ".join((text or "").split())


def judge(followup: FollowUp, last: LastTurn, base) -> Judged:
    """Right when the last reply holds the expected entry's answer (for the channel's audience) and, when a
    check is expected, that check is running with a question pending or has given its verdict."""
    reply = flat(" ".join(last.texts))
    audience = CHANNELS[followup.channel][1]
    right = True
    if followup.entry:
        expected = flat(base.answer_text(followup.entry, audience) or "")
        right = bool(expected) and expected in reply
    if followup.check:
        running = last.aid == followup.check and last.asking is not None
        right = right and (running or (not followup.entry and followup.check in last.verified))
    clarified = flat(base.messages.clarify) in reply
    return Judged(followup, right, clarified, reply)


def summary(judged: Sequence[Judged]) -> Dict[str, Dict[str, float]]:
    """Rate of right last turns and of « Vouliez-vous dire », overall and by kind."""
    groups: Dict[str, List[Judged]] = OrderedDict([("toutes", list(judged))])
    for kind in KINDS:
        members = [j for j in judged if j.followup.kind == kind]
        if members:
            groups[kind] = members
    for channel in CHANNELS:
        members = [j for j in judged if j.followup.channel == channel]
        if members:
            groups[f"canal {channel}"] = members
    return {name: {"n": len(members), "right": sum(j.right for j in members) / len(members),
                   "clarify": sum(j.clarified for j in members) / len(members)}
            for name, members in groups.items()}


def to_markdown(figures: Dict[str, Dict[str, float]], set_name: str, judged: Sequence[Judged],
                failures: int = 15) -> str:
    lines = [f"## Suivis de conversation ({set_name})", "",
             "Chaque conversation (2 ou 3 messages) est rejouée par l'agent Rasa entraîné avec le serveur d'actions ; "
             "seule la réponse au dernier message est jugée (`bot/evaluation/followups.py`).", "",
             "| Groupe | Conversations | Dernière réponse juste | « Vouliez-vous dire » |", "|---|---:|---:|---:|"]
    for name, values in figures.items():
        lines.append(f"| {name} | {values['n']} | {values['right']:.3f} | {values['clarify']:.1%} |")
    wrong = [j for j in judged if not j.right][:failures]
    if wrong:
        lines += ["", f"Premières erreurs ({len(wrong)} montrées) :", ""]
        for j in wrong:
            expected = ", ".join(f"{k}={v}" for k, v in (("entry", j.followup.entry), ("check", j.followup.check)) if v)
            lines.append(f"- {j.followup.id} ({j.followup.kind}) « {j.followup.turns[-1]} » → attendu {expected} ; "
                         f"obtenu « {j.reply[:90]} »")
    return "\n".join(lines) + "\n"


async def replay(agent, followup: FollowUp) -> LastTurn:
    """Send the turns of one conversation to the agent (a new sender each time); the last turn's outcome."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage  # heavy: only when replaying

    sender = f"suivi-{followup.id}-{uuid.uuid4().hex[:8]}"
    channel = CHANNELS[followup.channel][0]
    output = CollectingOutputChannel()
    for text in followup.turns:
        output.messages.clear()
        await agent.handle_message(UserMessage(text, output, sender, input_channel=channel))
    tracker = await agent.tracker_store.retrieve(sender)
    check = tracker.get_slot("verification") if tracker else None
    return LastTurn([m.get("text") or "" for m in output.messages],
                    tracker.get_slot("aide") if tracker else None,
                    check.get("question") if isinstance(check, dict) else None,
                    list(tracker.get_slot("verifiees") or []) if tracker else [])


def load_agent(model: Path, action_url: str):
    """The trained model with the action server at `action_url` (…/webhook) and an in-memory tracker store."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    return Agent.load(str(model), action_endpoint=EndpointConfig(url=action_url))


async def evaluate(agent, followups: Sequence[FollowUp], base) -> List[Judged]:
    return [judge(f, await replay(agent, f), base) for f in followups]
