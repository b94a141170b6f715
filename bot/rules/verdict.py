"""Turn the outcome of an aid's criteria tree into an EligibilityDecision with its French texts."""

from typing import Any, Callable, Dict, List, Mapping, Optional

from bot.rules.aid import AidRules, Extras
from bot.rules.decision import (ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, CriterionResult, EligibilityDecision,
                                Source)
from bot.rules.logic import Context, LeafOutcome, Outcome
from bot.rules.texts import AidTexts, CommonTexts

STATUS_OF = {True: ELIGIBLE, False: NOT_ELIGIBLE, None: UNDETERMINED}


def build_decision(rules: AidRules, texts: AidTexts, common: CommonTexts, context: Context,
                   outcome: Outcome, ruled_out: Callable[[str], bool] = lambda aid: False,
                   third_person: bool = False) -> EligibilityDecision:
    """`ruled_out(aid)`: whether the same facts make another aid impossible (its alternative is then left out)."""
    content, wording = texts.content, common.wording
    status = STATUS_OF[outcome.passed]
    base = {"aide": content.nom, "date": context.on}
    criteria = {id(leaf): criterion_result(leaf, texts, common, base) for leaf in outcome.leaves}
    deciding = criteria[id(outcome.deciding)] if outcome.deciding and status != UNDETERMINED else None
    extras = _extras(rules, texts, common, context, status, base)
    disclaimer = content.avertissement or common.disclaimer
    verdicts = content.verdicts_tiers if third_person and content.verdicts_tiers else content.verdicts
    summary = wording.fill(getattr(verdicts, status), {
        **base,
        "critere": deciding.rule_fr if deciding else None,
        "valeur": deciding.value_fr if deciding else None,
    })
    failing = [leaf.criterion.key for leaf in outcome.failing] if status == NOT_ELIGIBLE else []
    not_met = []
    if status == NOT_ELIGIBLE:
        for leaf in outcome.failing:
            shown = criteria[id(leaf)]
            line = f"{shown.rule_fr} (ici : {shown.value_fr})" if shown.value_fr else shown.rule_fr
            if line not in not_met:
                not_met.append(line)
    if len(not_met) > 1:
        summary = wording.fill(common.several_failed, base)
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
        notes_fr=list(extras.notes),
        alternatives_fr=_alternatives(texts, set(failing), base, common, context, ruled_out)
        if status == NOT_ELIGIBLE else [],
        not_met_fr=not_met if len(not_met) > 1 else [],
        reviewed_fr=common.wording.fill(common.reviewed, {"date": content.relu_le}),
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


def _alternatives(texts: AidTexts, failing: set, base: Mapping[str, Any], common: CommonTexts, context: Context,
                  ruled_out: Callable[[str], bool]) -> List[str]:
    """The alternatives that fit the failed criteria and that the facts do not rule out."""
    shown = []
    for alternative in texts.content.alternatives:
        if alternative.si_echec and not failing & set(alternative.si_echec):
            continue
        if any(context.facts.get(name) not in (None, value) for name, value in alternative.si_faits.items()):
            continue
        if alternative.aides and all(ruled_out(aid) for aid in alternative.aides):
            continue
        shown.append(common.wording.fill(alternative.texte, base))
    return shown


def _sources(texts: AidTexts, context: Context) -> List[Source]:
    found: Dict[Source, None] = dict.fromkeys(texts.sources)
    for value in context.read_all.values():
        for reference in value.references:
            found.setdefault(reference, None)
    return list(found)
