"""Word the eligibility conversation: questions with their buttons, confirmations, verdicts, the screening.

Texts come from knowledge/ (dialogue.yml `eligibilite`, eligibilite/faits.yml, eligibilite/<aid>.yml);
{parameter.name} references are rendered with the values in force. On the staff channel, when the
agent describes someone, questions and verdicts speak of « la personne ».
"""

import json
import re
from typing import Dict, List, Optional, Sequence

from bot.answering.render import Reply, choice_payload
from bot.eligibility.aids import SCREENING
from bot.rules import ELIGIBLE, NOT_ELIGIBLE, EligibilityDecision
from bot.rules.formatting import french_number
from bot.situation.vocabulary import UNKNOWN

ANSWER_ENTITY = "reponse"  # button payloads carry "<fact>:<value>"
AID_ENTITY = "aide"
CONFIRM_FACT = "confirmer"
MAX_SOURCES = 3


def answer_payload(fact_name: str, value) -> str:
    return "/informer" + json.dumps({ANSWER_ENTITY: f"{fact_name}:{json.dumps(value)}"})


def aid_payload(aid: str) -> str:
    return "/eligibilite" + json.dumps({AID_ENTITY: aid})


def aid_name(aid: str, messages) -> str:
    return messages.aids.get(aid, aid)


def intro(target: str, base, rules, third_person: bool = False, noted: Sequence[str] = (),
          kept: Sequence[str] = ()) -> Reply:
    """First message of a check (or a screening), with what this message and earlier checks already told."""
    messages = base.dialogue.eligibilite
    if target == SCREENING:
        text = messages.screening_intro_third_person if third_person else messages.screening_intro
        buttons = []
    else:
        template = messages.intro_third_person if third_person else messages.intro
        text = template.format(aide=aid_name(target, messages))
        entry = next((e for e in base.entries.values() if e.check == target), None)
        buttons = [{"title": messages.conditions_button, "payload": choice_payload(entry.id)}] if entry else []
    if kept:
        text += "\n\n" + messages.kept_facts.format(faits=" ; ".join(kept))
    if noted:
        text += "\n\n" + messages.noted_facts.format(faits=" ; ".join(noted))
    return Reply(text, buttons)


def aid_question(messages, third_person: bool = False) -> Reply:
    buttons = [{"title": title, "payload": aid_payload(aid)} for aid, title in messages.aids.items()]
    buttons.insert(0, {"title": messages.screening_button, "payload": aid_payload(SCREENING)})
    return Reply(messages.ask_aid_third_person if third_person else messages.ask_aid, buttons)


def shown_value(fact, value, messages) -> str:
    if value == UNKNOWN:
        return messages.unknown_button.lower()
    if fact.type == "choice":
        return dict(fact.choices).get(value, str(value))
    if fact.type == "bool":
        return messages.yes.lower() if value else messages.no.lower()
    if isinstance(value, (int, float)):
        return f"{french_number(value)} {fact.unit or ''}".strip()
    return str(value)


def noted_facts(situation, catalogue, messages, names: Sequence[str]) -> List[str]:
    """« âge : 24 ans » for each fact the message stated on its own (as the person will read it)."""
    lines = []
    for name in names:
        if name not in catalogue or name not in situation.facts:
            continue
        fact = catalogue[name]
        lines.append(f"{fact.short_name} : {shown_value(fact, situation.facts[name].value, messages)}")
    return lines


def fact_question(fact, messages, rules, third_person: bool = False) -> Reply:
    """The question about `fact` (in the third person for an agent), with buttons when the answer is short."""
    question = fact.question_third_person if third_person and fact.question_third_person else fact.question
    if fact.type == "bool":
        buttons = [{"title": messages.yes, "payload": answer_payload(fact.name, True)},
                   {"title": messages.no, "payload": answer_payload(fact.name, False)}]
    elif fact.type == "choice":
        buttons = [{"title": label, "payload": answer_payload(fact.name, key)} for key, label in fact.choices]
    else:
        buttons = []
    buttons.append({"title": messages.unknown_button, "payload": answer_payload(fact.name, UNKNOWN)})
    return Reply(rules.render(question), buttons)


def confirm_question(fact, value, messages) -> Reply:
    """« Pour être sûr : … c'est bien ça ? »: Oui gives the value again (confirmed), Non drops it."""
    text = messages.confirm.format(fait=fact.short_name, valeur=shown_value(fact, value, messages))
    buttons = [{"title": messages.yes, "payload": answer_payload(fact.name, value)},
               {"title": messages.no, "payload": answer_payload(CONFIRM_FACT, False)}]
    return Reply(text, buttons)


def why_reply(why: str, messages, rules=None) -> Reply:
    """Why a question is asked (the form asks the question again right after)."""
    return Reply(f"{messages.why_prefix} {rules.render(why) if rules else why}")


def _sources(decision: EligibilityDecision) -> List[str]:
    seen, lines = set(), []
    for source in decision.sources:
        key = source.url or source.title
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"{source.title} <{source.url}>" if source.url else source.title)
        if len(lines) == MAX_SOURCES:
            break
    return lines


def depends_on(decision: EligibilityDecision, unknown: Sequence[str], rules, situation, messages) -> List[str]:
    """For a verdict left open by a fact the person does not know: the question, and the answer either way."""
    lines = []
    for name in [n for n in decision.missing if n in unknown][:2]:
        fact = rules.facts[name]
        line = messages.depends_on.format(question=rules.render(
            fact.question_third_person if situation.third_person and fact.question_third_person else fact.question))
        if fact.type == "bool":
            parts = []
            for value, word in ((True, messages.if_yes), (False, messages.if_no)):
                facts = {**situation.rule_facts(), name: value}
                status = rules.status(decision.aid, facts, decision.on)[0]
                parts.append(f"{word} : {_status_word(status, messages)}")
            line += " — " + " ; ".join(parts)
        lines.append(line)
    return lines


def _status_word(passed: Optional[bool], messages) -> str:
    return {True: messages.status_open, False: messages.status_closed, None: messages.status_undecided}[passed]


def verdict(decision: EligibilityDecision, messages, source_label: str, not_met_heading: str = "",
            extra: Sequence[str] = ()) -> Reply:
    """The indicative verdict: summary, every route that failed, what one number would change, amounts
    or delays, notes, next steps, alternatives the facts do not rule out, sources and review date."""
    parts = [f"**{decision.aid_name_fr}** : {decision.summary_fr}"]
    if decision.not_met_fr:
        parts.append(not_met_heading + "\n" + "\n".join(f"- {line}" for line in decision.not_met_fr))
    if decision.would_change_fr:
        parts.append(" ".join(decision.would_change_fr))
    parts += list(extra)
    for quantity in (decision.amount, decision.lead_time):
        if quantity is not None:
            parts.append(quantity.text_fr)
    parts += decision.notes_fr
    if decision.next_steps_fr:
        parts.append(messages.next_steps + "\n" + "\n".join(f"- {step}" for step in decision.next_steps_fr))
    if decision.alternatives_fr:
        parts.append(messages.alternatives + "\n" + "\n".join(f"- {alt}" for alt in decision.alternatives_fr))
    sources = _sources(decision)
    if sources:
        parts.append(f"{source_label} : " + " ; ".join(sources) + (f" ({decision.reviewed_fr})" if decision.reviewed_fr
                                                                   else ""))
    buttons = [{"title": messages.another_aid, "payload": "/eligibilite"},
               {"title": messages.start_over, "payload": "/recommencer"}]
    return Reply("\n\n".join(parts), buttons, sms=sms_verdict(decision, messages, source_label, extra))


def sms_verdict(decision: EligibilityDecision, messages, source_label: str, extra: Sequence[str] = ()) -> str:
    """The verdict by SMS: the status with the facts that decided it (and, for a refusal, the condition not met)
    and a short disclaimer, in a line never cut; then what one number would change, what it hangs on, the
    amount, the first step, one source (bot/channels/sms.py shortens it to a link and cuts the lines that
    don't fit in its budget). The whole verdict stays one « Détail » away on the web."""
    deciding = decision.deciding
    here = f" ({messages.sms_here.format(valeur=_sms_value(decision, messages))})" if _sms_value(
        decision, messages) else ""
    name = aid_name(decision.aid, messages)
    if decision.status == ELIGIBLE:
        summary = messages.sms_eligible.format(aide=name, ici=here)
    elif decision.status == NOT_ELIGIBLE and decision.not_met_fr:  # several ways in, none open: see would_change
        summary = messages.sms_not_eligible_several.format(aide=name, nombre=len(decision.not_met_fr))
    elif decision.status == NOT_ELIGIBLE and deciding:
        summary = messages.sms_not_eligible.format(aide=name, critere=deciding.rule_fr, ici=here)
    else:
        summary = decision.summary_fr
        if decision.disclaimer_fr and summary.endswith(decision.disclaimer_fr):
            summary = summary[:-len(decision.disclaimer_fr)].rstrip()
    lines = [f"{summary} {messages.sms_disclaimer}"] + list(decision.would_change_fr) + list(extra)
    for quantity, template in ((decision.amount, messages.sms_amount), (decision.lead_time, messages.sms_lead_time)):
        if quantity is not None and decision.status != NOT_ELIGIBLE and sms_quantity(quantity, messages):
            lines.append(template.format(valeur=sms_quantity(quantity, messages)))
    lines += decision.next_steps_fr[:1]
    sources = _sources(decision)[:1]
    if sources:
        lines.append(f"\n{source_label} : {sources[0]}" + (f" ({decision.reviewed_fr})" if decision.reviewed_fr
                                                             else ""))
    return "\n".join(lines)


def sms_quantity(quantity, messages) -> str:
    """« jusqu'à 1 200 € », « de 10 à 100 €/mois », « 48 heures »: an amount or a lead time in a few words."""
    def shown(number):
        return f"{french_number(number)} {quantity.unit}"
    if quantity.value is not None:
        return shown(quantity.value)
    if quantity.minimum is not None and quantity.maximum is not None and quantity.minimum != quantity.maximum:
        return messages.sms_range.format(minimum=french_number(quantity.minimum), maximum=shown(quantity.maximum))
    if quantity.maximum is not None:
        return messages.sms_up_to.format(maximum=shown(quantity.maximum))
    return ""


def _sms_value(decision: EligibilityDecision, messages) -> str:
    """The facts that decided, shortly: « En alternance (apprentissage ou professionnalisation) » → « En
    alternance »; nothing for a bare « oui » / « non », which says nothing without its question."""
    value = decision.deciding.value_fr if decision.deciding and decision.deciding.value_fr else ""
    if value.lower() in (messages.yes.lower(), messages.no.lower()):
        return ""
    return re.sub(r"\s*\([^()]*\)", "", value).strip()


def screening_summary(decisions: Dict[str, EligibilityDecision], messages, third_person: bool = False,
                      undecided_on: Optional[Dict[str, str]] = None) -> Reply:
    """Aids open (with the amount when the rules give one), closed (the one reason), hanging on one fact."""
    open_, closed, undecided = [], [], []
    undecided_on = undecided_on or {}
    for aid, decision in decisions.items():
        name = aid_name(aid, messages)
        if decision.status == ELIGIBLE:
            amount = f" ({decision.amount.text_fr})" if decision.amount is not None else ""
            open_.append(f"- {name}{amount}")
        elif decision.status == NOT_ELIGIBLE:
            reason = decision.deciding.rule_fr if decision.deciding else ""
            value = f" (ici : {decision.deciding.value_fr})" if decision.deciding and decision.deciding.value_fr else ""
            closed.append(f"- {name} : {reason}{value}")
        else:
            undecided.append(f"- {name} : {undecided_on.get(aid, '')}".rstrip(" :"))
    parts = []
    for heading, lines in ((messages.screening_open, open_), (messages.screening_undecided, undecided),
                           (messages.screening_closed, closed)):
        if lines:
            parts.append(heading + "\n" + "\n".join(lines))
    parts.append(messages.screening_end_third_person if third_person else messages.screening_end)
    buttons = [{"title": messages.detail_button.format(aide=aid_name(aid, messages)), "payload": aid_payload(aid)}
               for aid, decision in decisions.items() if decision.status != NOT_ELIGIBLE]
    buttons.append({"title": messages.start_over, "payload": "/recommencer"})
    return Reply("\n\n".join(parts), buttons, sms=sms_screening(decisions, messages))


def sms_screening(decisions: Dict[str, EligibilityDecision], messages) -> str:
    """The screening by SMS: the aids open (with their amount), those still open on a fact, those closed grouped
    by the fact that closes them (« AL'in, Mobili-Jeune (ici : Employeur public) »); the detail is one number away."""
    open_, undecided, closed = [], [], {}
    for aid, decision in decisions.items():
        name = aid_name(aid, messages)
        if decision.status == ELIGIBLE:
            amount = sms_quantity(decision.amount, messages) if decision.amount is not None else ""
            open_.append(f"{name} ({amount})" if amount else name)
        elif decision.status == NOT_ELIGIBLE:
            closed.setdefault(_sms_value(decision, messages), []).append(name)
        else:
            undecided.append(name)
    closed_parts = [", ".join(names) + (f" ({messages.sms_here.format(valeur=value)})" if value else "")
                    for value, names in closed.items()]
    lines = [f"{heading} {' ; '.join(items)}." for heading, items in (
        (messages.sms_open, open_), (messages.sms_undecided, undecided), (messages.sms_closed, closed_parts)) if items]
    return "\n".join(lines + [messages.sms_screening_end])


def correction_note(fact, value, messages) -> Optional[str]:
    return messages.noted.format(valeur=f"{fact.short_name} : {shown_value(fact, value, messages)}")
