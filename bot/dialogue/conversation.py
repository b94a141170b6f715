"""One turn of a check or a screening, from the message to the replies: the library behind the form action.

`check_turn()` takes the message (text, intent, button, aid named), the situation and the state of
the check, and returns what to say, the new situation and state, and whether the check is complete
(then `verdict_replies()` words the result). It never touches Rasa: actions/eligibility_actions.py
reads the tracker, calls these two functions and turns their result into events.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, List, Optional, Sequence, Tuple

from bot.answering.render import Reply, referral_button
from bot.dialogue.planner import ASK, CONFIRM, DONE, SCREENING, Step, next_step, target_aids
from bot.dialogue.answers import option_chosen
from bot.dialogue.turn import CheckState, after_question, understand
from bot.eligibility import replies
from bot.nlu.normalize import fold
from bot.rules import AIDS, UNDETERMINED
from bot.situation.model import DERIVED, Situation

TARGETS = AIDS + (SCREENING,)
AID_QUESTION = "aide"  # the pending question is « which aid ? » (the menu)
AID_PAYLOAD = "/eligibilite"


def _aid_of_payload(payload) -> Optional[str]:
    if isinstance(payload, str) and payload.startswith(AID_PAYLOAD + "{"):
        try:
            return json.loads(payload[len(AID_PAYLOAD):]).get("aide")
        except ValueError:
            return None
    return None


@dataclass
class TurnResult:
    replies: List[Reply] = field(default_factory=list)
    situation: Situation = field(default_factory=Situation)
    state: CheckState = field(default_factory=CheckState)
    complete: bool = False           # every question asked: the verdict comes next
    not_about_the_check: bool = False  # another topic: answer it, then ask the pending question again
    stated: List[str] = field(default_factory=list)


def check_turn(text: str, intent: Optional[str], button: Optional[Tuple[str, Any]], aid: Optional[str],
               situation: Situation, state: CheckState, base, rules, reader, derive, staff: bool = False,
               back_from_digression: bool = False, today: Optional[dt.date] = None) -> TurnResult:
    messages = base.dialogue.eligibilite
    out = TurnResult(situation=situation, state=state)
    target_before = state.target
    again, answered, forced = False, None, None
    if state.asking == AID_QUESTION and aid is None:
        aid = _aid_of_payload(option_chosen(text, state.options))  # « 1 », « le premier », « visale »…
    if not back_from_digression:
        turn = understand(text, intent, button, state, situation, reader, rules.facts, derive, staff=staff,
                          today=today or dt.date.today(), aid_named=aid)
        if turn is None:
            out.not_about_the_check = True
            return out
        out.situation, out.stated, answered = turn.situation, turn.stated, turn.answered
        switching = aid in TARGETS and aid != target_before and (
            target_before is None or turn.kind != "answer" or not state.asking or aid == SCREENING)
        if not (turn.kind == "invalid" and switching):  # starting another check is no wrong answer
            out.replies += [Reply(note) for note in turn.notes if note]
            again = turn.kind == "invalid" and bool(state.asking)  # the same question, after the reason
        if turn.kind == "correction" and turn.corrected:
            fact = rules.facts[turn.corrected]
            out.replies.append(Reply(replies.correction_note(fact, out.situation.facts[turn.corrected].value,
                                                             messages)))
        if turn.kind == "unknown" and state.asking:
            out.replies.append(Reply(messages.unknown_noted))
        forced = turn.ask
        if switching:
            state = CheckState(target=aid)
    out.state = state
    third = staff
    if state.target not in TARGETS:
        menu = replies.aid_question(messages, third_person=third)
        out.replies.append(menu)
        out.state = replace(state, asking=AID_QUESTION, options=[(b["title"], b["payload"]) for b in menu.buttons])
        return out
    new_check = state.target != target_before or (state.asked == 0 and not state.asking)
    if again:
        step = Step(CONFIRM if state.confirming else ASK, state.asking)
    elif forced:
        step = Step(ASK, forced)  # a rejected reading: ask the value itself
    else:
        step = next_step(rules, out.situation, state.target, today, derive=derive)
    if new_check and step.kind != DONE:
        noted = replies.noted_facts(out.situation, rules.facts, messages, out.stated)
        earlier = [name for name, known in out.situation.facts.items()
                   if name not in out.stated and known.source != DERIVED]
        kept = replies.noted_facts(out.situation, rules.facts, messages, earlier)
        out.replies.append(replies.intro(state.target, base, rules, third_person=third, noted=noted, kept=kept))
    else:
        noted = replies.noted_facts(out.situation, rules.facts, messages, [n for n in out.stated if n != answered])
        if noted:  # what the message said besides the answer: shown, so that a misreading can be corrected
            out.replies.append(Reply(messages.noted_facts.format(faits=" ; ".join(noted))))
    if step.kind == DONE:
        out.state = after_question(state, None, False, [], new_check)
        out.complete = True
        return out
    fact = rules.facts[step.fact]
    if step.kind == CONFIRM:
        reply = replies.confirm_question(fact, out.situation.facts[step.fact].value, messages)
    else:
        reply = replies.fact_question(fact, messages, rules, third_person=third)
    out.replies.append(reply)
    out.state = after_question(state, step.fact, step.kind == CONFIRM,
                               [(b["title"], b["payload"]) for b in reply.buttons], new_check)
    return out


def verdict_replies(target: str, situation: Situation, base, rules, staff: bool = False,
                    today: Optional[dt.date] = None) -> Tuple[List[Reply], dict]:
    """The verdict of one aid, or the screening's summary; with the decisions by aid."""
    messages = base.dialogue.eligibilite
    facts = situation.rule_facts()
    decisions = {aid: rules.evaluate(aid, facts, today, third_person=staff) for aid in target_aids(target)}
    if target == SCREENING:
        open_on = {aid: "; ".join(replies.depends_on(d, situation.unknown(), rules, situation, messages))
                   for aid, d in decisions.items() if d.status == UNDETERMINED}
        summary = replies.screening_summary(decisions, messages, third_person=staff, undecided_on=open_on)
        return [_with_referral(summary, base, staff)], decisions
    decision = decisions[target]
    extra = replies.depends_on(decision, situation.unknown(), rules, situation, messages)
    if situation.get("zone_approximative") and _zone_decides(situation, rules, decision.on):
        extra = list(extra) + [messages.approximate_zone]
    holders = situation.facts.get("nb_titulaires_bail")
    if target == "visale" and holders is not None and holders.source == DERIVED and holders.value == 1:
        extra = list(extra) + [messages.assumed_one_holder]
    reply = replies.verdict(decision, messages, base.messages.source, rules.common.not_met, extra)
    return [_with_referral(reply, base, staff)], decisions


def _with_referral(reply: Reply, base, staff: bool) -> Reply:
    """On the staff channel a verdict offers the draft referral to the support service."""
    return replace(reply, buttons=reply.buttons + [referral_button(base)]) if staff else reply


def _zone_decides(situation: Situation, rules, day) -> bool:
    """Whether the rent falls between the lowest and the highest Visale ceiling (then the zone matters)."""
    rent = situation.get("loyer_charges_comprises")
    if rent is None:
        return False
    caps = [rules.parameters.at(f"visale.plafond_loyer.{zone}", day).value
            for zone in ("ile_de_france", "grande_agglomeration", "autre_commune")]
    return min(caps) < rent <= max(caps)


def is_target(aid: Optional[str]) -> bool:
    return aid in TARGETS


__all__: Sequence[str] = ("TurnResult", "check_turn", "verdict_replies", "is_target", "SCREENING", "TARGETS")


# The classifier alone (no cue of knowledge/detresse.yml) must be this sure to take the reply to a
# pending question for distress: « je sais pas, il me dit rien » answers the question asked. Chosen on
# the dev personas and tests/safety/distress_dev*.yml (real distress read by the model scores ≥ 0.99).
ANSWER_DISTRESS_SURE = 0.97
ANSWER_KINDS = ("answer", "unknown", "correction", "confirmed")


def answers_the_question(text: str, state: CheckState, situation: Situation, rules, reader, derive,
                         staff: bool = False, today: Optional[dt.date] = None) -> bool:
    """True when the message reads as the answer to the question the check is asking."""
    if not state.asking or state.asking == AID_QUESTION or state.asking not in rules.facts:
        return False
    turn = understand(text, "informer", None, state, situation, reader, rules.facts, derive, staff=staff,
                      today=today or dt.date.today())
    if turn is None or turn.kind not in ANSWER_KINDS:
        return False
    return turn.kind != "answer" or turn.answered == state.asking  # other facts said are no answer to it


def model_alarm_is_an_answer(text: str, by_model: bool, score: float, state: CheckState, situation: Situation,
                             rules, reader, derive, staff: bool = False, today: Optional[dt.date] = None) -> bool:
    """A distress alarm of the classifier alone, not sure enough, on what reads as the answer asked."""
    return (by_model and score < ANSWER_DISTRESS_SURE
            and answers_the_question(text, state, situation, rules, reader, derive, staff, today))


# « autre » (the « Autre contrat » choice) or « zéro » read as « start again »: an answer, unless the
# message says to start again in so many words.
EXPLICIT_RESTART = re.compile(r"recommenc|nouvelle (?:simulation|situation)|repart|reprendre|autre (?:personne|dossier|"
                              r"famille|menage|cas|situation|simulation)|reset|effac|remise a zero|refai|depuis le debut|"
                              r"du debut|a zero", re.I)


def restart_is_an_answer(text: str, state: CheckState, situation: Situation, rules, reader, derive,
                         staff: bool = False, today: Optional[dt.date] = None) -> bool:
    """A « start again » of the classifier that reads as the answer to the pending question."""
    return not EXPLICIT_RESTART.search(fold(text or "")) and answers_the_question(
        text, state, situation, rules, reader, derive, staff, today)
