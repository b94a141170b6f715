"""`make validate` warns when a text writes a parameter's value by hand instead of its {reference}."""

import datetime as dt

from bot.rules import load_rules
from bot.rules.literals import aid_text_fields, hand_written

RULES = load_rules()
DAY = dt.date(2026, 12, 3)


def test_a_value_in_force_written_by_hand_is_warned_and_a_reference_is_not():
    texts = [("fiche a", "Plafond : 1 710 € net par mois."), ("fiche b", "Plafond : {visale.plus_de_30_ans.salaire_net_maximum} €"),
             ("fiche c", "Avant 2026 : 1 500 € net."), ("fiche d", "Loyer de 1\u202f575 euros.")]
    assert hand_written(texts, RULES.parameters, DAY) == [
        "fiche a : « 1 710 € » est la valeur de {visale.plus_de_30_ans.salaire_net_maximum} : écrivez la référence pour "
        "que le texte suive les changements",
        "fiche d : « 1 575 € » est la valeur de {visale.plafond_loyer.grande_agglomeration} : écrivez la référence pour "
        "que le texte suive les changements"]


def test_every_text_of_an_aid_file_is_checked():
    fields = dict(aid_text_fields(RULES.texts["visale"].content))
    assert {"verdicts > eligible", "verdicts > non_eligible", "criteres > plafond_loyer > regle",
            "demarches > eligible"} <= set(fields)
    assert "alternatives" in {where for where, _ in aid_text_fields(RULES.texts["alin"].content)}


def test_no_verdict_criterion_or_question_text_writes_a_parameter_value_by_hand():
    texts = [(f"{aid}: {where}", text) for aid, texts in RULES.texts.items() for where, text in aid_text_fields(texts.content)]
    texts += [(fact.name, text) for fact in RULES.facts for text in (fact.question, fact.why)]
    assert hand_written(texts, RULES.parameters, DAY) == []
