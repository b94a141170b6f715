"""The referral a CCAS agent sends to Action Logement's support service, drafted from the conversation.

`draft_referral()` writes the e-mail from what the conversation already holds: the facts of the
situation the agent typed or confirmed (never a fact only deduced, never one read with doubt and not
confirmed), grouped by whose they are; the aids whose verdict was given, each with its reason; the
urgency (a distress situation described, or the `urgence` fact) with the lead time in force. What the
bot must never guess — the household's name, the agent's name and CCAS — stays a placeholder in
brackets. Texts come from knowledge/dialogue.yml (`saisine`); nothing here touches Rasa or storage.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence
from urllib.parse import quote

from bot.answering.render import REFERRAL_PAYLOAD, Reply, referral_button
from bot.dialogue.planner import SCREENING, target_aids
from bot.eligibility.replies import aid_name, shown_value
from bot.rules import AIDS, ELIGIBLE, NOT_ELIGIBLE
from bot.situation.model import DERIVED, Situation
from bot.situation.vocabulary import CONJOINT, FACTS, MENAGE, PARTNER_SUFFIX, PERSONNE, situated

CUSTOM_KEY = "saisine"  # the widget shows the draft with a copy button


@dataclass(frozen=True)
class Referral:
    address: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        """A mailto: link with subject and body filled in (RFC 6068: CRLF line breaks, all percent-encoded)."""
        body = self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        return f"mailto:{self.address}?subject={quote(self.subject, safe='')}&body={quote(body, safe='')}"


def stated_facts(situation: Situation, catalogue) -> Dict[str, List[str]]:
    """« âge : 34 ans » for each fact the agent gave, by subject (person, partner, household)."""
    by_subject: Dict[str, List[str]] = {PERSONNE: [], CONJOINT: [], MENAGE: []}
    order = {name: index for index, name in enumerate(FACTS)}
    for name in sorted(situation.facts, key=lambda n: order.get(n.replace(PARTNER_SUFFIX, ""), len(order))):
        known = situation.facts[name]
        if name not in catalogue or known.source == DERIVED or not (known.usable or known.unknown):
            continue
        try:
            subject, _ = situated(name)
        except KeyError:
            continue
        fact = catalogue[name]
        by_subject[subject].append(f"{fact.short_name} : {shown_value(fact, known.value, WRITTEN)}")
    return by_subject


class WrittenWords:
    """The words `shown_value` needs for yes / no / unknown, as a written message says them."""
    yes, no, unknown_button = "Oui", "Non", "non connu"


WRITTEN = WrittenWords()


def checked_aids(results: Sequence[str]) -> List[str]:
    """The aids whose verdict the conversation gave, each once, in the order of the rules (« toutes » = all)."""
    aids: List[str] = []
    for target in results or ():
        for aid in target_aids(target) if target in AIDS or target == SCREENING else ():
            if aid not in aids:
                aids.append(aid)
    return aids


def _aid_lines(aids: Sequence[str], situation: Situation, rules, texts, eligibility, day: dt.date) -> List[str]:
    lines = []
    facts = situation.rule_facts()
    for aid in aids:
        decision = rules.evaluate(aid, facts, day, third_person=True)
        name = aid_name(aid, eligibility)
        if decision.status in (ELIGIBLE, NOT_ELIGIBLE):
            word = texts.aide_possible if decision.status == ELIGIBLE else texts.aide_impossible
            why = ""
            if decision.deciding is not None:
                why = decision.deciding.rule_fr
                if decision.deciding.value_fr:
                    why = texts.motif_aide.format(condition=decision.deciding.rule_fr,
                                                  valeur=decision.deciding.value_fr)
            lines.append(f"- {name} : {word}" + (f" — {why}" if why else ""))
        else:
            missing = [rules.facts[n].short_name for n in decision.missing[:3] if n in rules.facts]
            lines.append(f"- {name} : {texts.aide_incertaine}"
                         + (f" ({texts.manque.format(faits=', '.join(missing))})" if missing else ""))
    return lines


def draft_referral(situation: Situation, checked: Sequence[str], distress: Optional[str], base, rules,
                   today: Optional[dt.date] = None) -> Referral:
    """The e-mail to the support service, from the situation, the aids checked and the urgency described."""
    day = today or dt.date.today()
    texts, eligibility = base.dialogue.saisine, base.dialogue.eligibilite
    urgent = bool(distress) or situation.get("urgence") is True
    parts = [texts.salutation, texts.demande]
    if urgent:
        motif = _distress_title(base, distress) if distress else texts.urgence_dite
        parts.append(rules.render(texts.urgence_oui, day).replace("{motif}", motif))
    else:
        parts.append(rules.render(texts.urgence_non, day))
    by_subject = stated_facts(situation, rules.facts)
    described = [(getattr(texts, subject), lines) for subject, lines in by_subject.items() if lines]
    if described:
        parts.append(texts.situation + "\n" + "\n".join(f"- {who} : {' ; '.join(lines)}" for who, lines in described))
    else:
        parts.append(texts.situation + "\n" + texts.rien_dit)
    aids = checked_aids(checked)
    if aids:
        parts.append(texts.aides + "\n" + "\n".join(_aid_lines(aids, situation, rules, texts, eligibility, day)))
    parts += [texts.attente, texts.coordonnees, texts.signature]
    subject = texts.objet_urgent if urgent else texts.objet
    return Referral(texts.adresse, subject, "\n\n".join(parts))


def _distress_title(base, distress: str) -> str:
    situation = base.situation(distress)
    if situation is None:
        return base.dialogue.saisine.urgence_dite
    return situation.title[:1].lower() + situation.title[1:]


def referral_reply(referral: Referral, base) -> Reply:
    """The chat message: what it is, the subject and body, the reminder on the address, the mailto: link.

    Rasa sends each paragraph as its own message; the widget puts the copy button under the last one."""
    texts = base.dialogue.saisine
    text = "\n\n".join([
        texts.intro,
        f"**Objet :** {referral.subject}",
        referral.body,
        texts.rappel,
        f"[{texts.lien}]({referral.mailto}) — {referral.address}",  # last: the widget's copy button joins it
    ])
    return Reply(text)


def referral_custom(referral: Referral, base) -> dict:
    """The structured draft for the widget (copy button, link), beside the text every channel can show."""
    texts = base.dialogue.saisine
    return {CUSTOM_KEY: {"objet": referral.subject, "texte": referral.body, "mailto": referral.mailto,
                         "adresse": referral.address, "copier": texts.copier, "copie": texts.copie,
                         "lien": texts.lien}}


__all__ = ["Referral", "draft_referral", "referral_reply", "referral_custom", "referral_button", "checked_aids",
           "stated_facts", "REFERRAL_PAYLOAD", "WRITTEN"]
