"""Turn the outcome of an aid's criteria tree into an EligibilityDecision with its French texts."""

from typing import Any, Dict, List, Mapping, Optional

from bot.rules.aid import AidRules, Extras
from bot.rules.decision import (ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, CriterionResult, EligibilityDecision,
                                Source)
from bot.rules.logic import Context, LeafOutcome, Outcome
from bot.rules.texts import AidTexts, CommonTexts

STATUS_OF = {True: ELIGIBLE, False: NOT_ELIGIBLE, None: UNDETERMINED}


def build_decision(rules: AidRules, texts: AidTexts, common: CommonTexts, context: Context,
                   outcome: Outcome) -> EligibilityDecision:
    content, wording = texts.content, common.wording
    status = STATUS_OF[outcome.passed]
    base = {"aide": content.nom, "date": context.on}
    criteria = {id(leaf): criterion_result(leaf, texts, common, base) for leaf in outcome.leaves}
    deciding = criteria[id(outcome.deciding)] if outcome.deciding and status != UNDETERMINED else None
    extras = _extras(rules, texts, common, context, status, base)
    disclaimer = content.avertissement or common.disclaimer
    summary = wording.fill(getattr(content.verdicts, status), {
        **base,
        "critere": deciding.rule_fr if deciding else None,
        "valeur": deciding.value_fr if deciding else None,
    })
    failing = [leaf.criterion.key for leaf in outcome.failing] if status == NOT_ELIGIBLE else []
    return EligibilityDecision(
        aid=rules.aid,
        aid_name_fr=content.nom,
        on=context.on,
        status=status,
        summary_fr=f"{summary} {disclaimer}",
        disclaimer_fr=disclaimer,
        criteria=list(criteria.values()),
        deciding=deciding,
        failing=failing,
        missing=list(outcome.missing) if status == UNDETERMINED else [],
        refining=[name for name in extras.refining if name not in context.facts],
        next_steps_fr=[wording.fill(step, base) for step in getattr(content.demarches, status)],
        alternatives_fr=_alternatives(texts, set(failing), base, common) if status == NOT_ELIGIBLE else [],
        sources=_sources(texts, context),
        amount=extras.amount,
        lead_time=extras.lead_time,
    )


def criterion_result(leaf: LeafOutcome, texts: AidTexts, common: CommonTexts,
                     base: Mapping[str, Any]) -> CriterionResult:
    """A criterion as shown to the user: its rule and the user's value, in French."""
    wording, check = common.wording, leaf.check
    wording_of = texts.content.criteres[leaf.criterion.key]
    values = {**base, **check.data}
    template = wording_of.valeur
    if check.passed is True and wording_of.valeur_ok:
        template = wording_of.valeur_ok
    elif check.passed is False and wording_of.valeur_echec:
        template = wording_of.valeur_echec
    shown = check.shown if check.shown is not None else check.value
    value_fr: Optional[str] = None
    for candidate in (template, "{valeur}"):  # the plain value when the template needs a fact not known yet
        try:
            value_fr = wording.fill(candidate, {**values, "valeur": shown})
            break
        except KeyError:
            continue
    if check.passed is not None and value_fr is None:
        raise AssertionError(f"criterion '{leaf.criterion.key}' decided without a value to show")
    return CriterionResult(
        key=leaf.criterion.key,
        rule_fr=wording.fill(wording_of.regle, values),
        value=check.value,
        value_fr=value_fr,
        passed=check.passed,
        parameters=tuple(value.name for value in leaf.parameters),
    )


def _extras(rules: AidRules, texts: AidTexts, common: CommonTexts, context: Context, status: str,
            base: Mapping[str, Any]) -> Extras:
    def info(key: str, **values: Any) -> str:
        return common.wording.fill(texts.content.infos[key], {**base, **values})

    with context.reading(rules.extra_facts, rules.extra_parameters):
        return rules.extras(context, status, info)


def _alternatives(texts: AidTexts, failing: set, base: Mapping[str, Any], common: CommonTexts) -> List[str]:
    return [common.wording.fill(alternative.texte, base) for alternative in texts.content.alternatives
            if not alternative.si_echec or failing & set(alternative.si_echec)]


def _sources(texts: AidTexts, context: Context) -> List[Source]:
    found: Dict[Source, None] = dict.fromkeys(texts.sources)
    for value in context.read_all.values():
        for reference in value.references:
            found.setdefault(reference, None)
    return list(found)
