"""The public API of bot.rules and the three-valued combination of criteria."""

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

import bot.rules as api
from bot.knowledge.errors import KnowledgeErrors
from bot.rules import AIDS, InvalidFact, RulesNotAvailable, UnknownAid, UnknownFact
from bot.rules.__main__ import main
from bot.rules.facts import FACT_TYPES, PROXY_FACTS
from bot.rules.logic import AllOf, AnyOf, Condition, Context, Criterion, OnlyIf, Requires, result, unknown
from bot.rules.ruleset import AID_RULES, load_rules

RULES_PACKAGE = Path(api.__file__).parent

COUPLE_3000_1200 = {
    "bail_signe": False, "age": 35, "situation_pro": "salarie", "secteur_employeur": "prive", "type_contrat": "cdi",
    "periode_essai": False, "anciennete_emploi_mois": 48, "mutation_recente": False, "promesse_embauche": False,
    "revenu_mensuel_net": 3000, "nb_titulaires_bail": 2, "age_conjoint": 33, "situation_pro_conjoint": "salarie",
    "secteur_employeur_conjoint": "prive", "type_contrat_conjoint": "cdi", "periode_essai_conjoint": False,
    "anciennete_emploi_mois_conjoint": 30, "mutation_recente_conjoint": False, "promesse_embauche_conjoint": False,
    "revenu_mensuel_net_conjoint": 1200, "loyer_charges_comprises": 1100, "zone_logement": "autre_commune",
}


def converse(rules, aid, profile, on=None):
    """Ask next_fact until nothing is left, answering from `profile`; return the questions and the decision."""
    known, asked = {}, []
    while True:
        name = rules.next_fact(aid, known, on)
        if name is None:
            return asked, rules.evaluate(aid, known, on)
        assert name not in known and len(asked) < len(FACT_TYPES)
        asked.append(name)
        known[name] = profile[name]


def test_module_level_api_uses_the_project_rules():
    decision = api.evaluate("loca_pass", {"situation_pro": "salarie", "secteur_employeur": "prive",
                                          "mois_depuis_entree_logement": 1})
    assert decision.status == api.ELIGIBLE and decision.indicative
    assert api.next_fact("loca_pass", {}) == "situation_pro"
    assert api.validate_fact("age", "250")[0] is None
    assert api.fact("a_nud").question.startswith("Avez-vous")
    assert AIDS == ("visale", "alin", "mobili_jeune", "mobili_pass", "loca_pass", "accompagnement")


def test_conversation_for_the_3000_1200_couple_asks_only_what_matters(rules):
    asked, decision = converse(rules, "visale", COUPLE_3000_1200)
    assert decision.status == "eligible" and decision.deciding.key == "salaire_plafond_conjoint"
    assert "1 200 €" in decision.summary_fr
    assert "zone_logement" not in asked  # 1 100 € is under every zone's cap
    assert "anciennete_emploi_mois" not in asked  # a confirmed CDI already fails the hiring route
    assert asked.index("promesse_embauche") < asked.index("age_conjoint")  # applicant first, then partner
    assert "type_contrat_conjoint" not in asked  # the partner's salary is enough


def test_conversation_reaches_the_same_verdict_as_the_full_profile(rules):
    asked, decision = converse(rules, "visale", COUPLE_3000_1200)
    assert decision.status == rules.evaluate("visale", COUPLE_3000_1200).status
    assert len(asked) < len(COUPLE_3000_1200)


def test_unknown_aid_fact_and_invalid_value_are_refused(rules):
    with pytest.raises(UnknownAid, match="aides possibles"):
        rules.evaluate("apl", {})
    with pytest.raises(UnknownFact):
        rules.evaluate("visale", {"agee": 30})
    with pytest.raises(InvalidFact):
        rules.evaluate("visale", {"age": -3})


def test_a_date_before_the_known_rules_is_refused_clearly(rules):
    with pytest.raises(RulesNotAvailable, match="la garantie Visale.*2017-01-01"):
        rules.evaluate("visale", {"age": 25}, dt.date(2017, 1, 1))
    with pytest.raises(RulesNotAvailable):
        rules.evaluate("accompagnement", {}, dt.date(2023, 1, 1))


def test_default_date_is_today(rules):
    facts = {"situation_pro": "salarie", "secteur_employeur": "prive", "mois_depuis_entree_logement": 1}
    assert rules.evaluate("loca_pass", facts).on == dt.date.today()
    assert rules.evaluate("loca_pass", facts, dt.datetime(2025, 3, 4, 10, 0)).on == dt.date(2025, 3, 4)


def test_decision_explains_itself(rules):
    decision = rules.evaluate("alin", {"situation_pro": "salarie", "secteur_employeur": "prive", "taille_entreprise": 9,
                                       "a_nud": True})
    assert decision.status == "non_eligible" and decision.failing == ["effectif_entreprise"]
    assert decision.deciding.value == 9 and decision.deciding.value_fr == "9 salariés"
    assert decision.deciding.parameters == ("alin.effectif_minimum.non_agricole", "alin.effectif_minimum.agricole")
    assert "au moins 10 salariés" in decision.deciding.rule_fr and "9 salariés" in decision.summary_fr
    assert decision.summary_fr.endswith(decision.disclaimer_fr) and "CALEOL" in decision.disclaimer_fr
    assert any("demande-logement-social" in text for text in decision.alternatives_fr)
    assert any(source.seed == "000_ba1bf2e5b0805682.txt" for source in decision.sources)
    assert decision.missing == [] and decision.next_fact is None


def test_sources_include_the_references_of_the_parameters_used(rules):
    decision = rules.evaluate("visale", {"bail_signe": False, "age": 25, "nb_titulaires_bail": 1,
                                         "loyer_charges_comprises": 500, "revenu_mensuel_net": 1500})
    urls = {source.url for source in decision.sources}
    assert "https://www.visale.fr/evolution_visale_2026/" in urls  # rent caps in force (parameter)
    assert "https://www.visale.fr/faq/quelles-sont-les-conditions-deligibilite-liees-a-la-colocation/" in urls


def test_decision_is_json_friendly(rules):
    data = rules.evaluate("mobili_jeune", {"age": 22}, dt.date(2025, 6, 1)).as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False))["on"] == "2025-06-01"


def test_every_verdict_is_indicative_and_names_who_decides(rules):
    samples = {
        "visale": [{}, {"bail_signe": False, "age": 17, "nb_titulaires_bail": 1, "loyer_charges_comprises": 300,
                        "revenu_mensuel_net": 900},
                   {"bail_signe": False, "age": 20, "nb_titulaires_bail": 1, "loyer_charges_comprises": 300,
                    "revenu_mensuel_net": 900}],
        "mobili_pass": [{}],
        "accompagnement": [{"situation_pro": "retraite"}],
    }
    for aid, cases in samples.items():
        for facts in cases:
            decision = rules.evaluate(aid, facts)
            assert "indicatif" in decision.summary_fr
            assert any(word in decision.summary_fr for word in ("Action Logement", "commission", "Visale"))


def test_mobili_pass_after_its_end_asks_nothing(rules):
    decision = rules.evaluate("mobili_pass", {}, dt.date(2025, 1, 1))
    assert decision.status == "non_eligible" and decision.next_fact is None
    assert [c.key for c in decision.criteria] == ["aide_ouverte"]
    assert "1er juillet 2023" in decision.deciding.value_fr
    assert decision.alternatives_fr and not decision.next_steps_fr


def test_mobili_jeune_amount_and_range(rules):
    facts = {"age": 22, "situation_pro": "alternant", "secteur_employeur": "prive", "salaire_brut_mensuel": 900,
             "distance_km": 200, "ecart_bail_contrat_mois": 1, "loyer_charges_comprises": 350}
    pending = rules.evaluate("mobili_jeune", facts, dt.date(2025, 6, 1))
    assert pending.missing == ["apl_mensuelle"] and pending.amount.value is None
    assert "de 10 à 100 €" in pending.amount.text_fr
    done = rules.evaluate("mobili_jeune", {**facts, "apl_mensuelle": 280}, dt.date(2025, 6, 1))
    assert done.amount.value == 70 and "70 € par mois" in done.amount.text_fr and "1 100 €" in done.amount.text_fr


def test_rules_are_consistent_with_the_fact_contract():
    for rules in AID_RULES.values():
        keys = [criterion.key for criterion in rules.criteria()]
        assert len(keys) == len(set(keys)), rules.aid
        assert set(rules.facts()) <= set(FACT_TYPES), rules.aid
    used = {name for rules in AID_RULES.values() for name in rules.facts()}
    assert used | set(PROXY_FACTS) == set(FACT_TYPES)  # no fact in the catalogue that no rule reads
    assert not used & set(PROXY_FACTS)


def test_load_rules_caches_reloads_and_keeps_the_last_valid_rules(knowledge_copy, caplog):
    first = load_rules(knowledge_copy)
    assert load_rules(knowledge_copy) is first
    path = knowledge_copy / "eligibilite" / "alin.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("nom: la plateforme AL'in", "nom: AL'in"), encoding="utf-8")
    second = load_rules(knowledge_copy)
    assert second is not first and second.texts["alin"].content.nom == "AL'in"
    path.write_text(text.replace("si_echec: [salarie_entreprise_privee,", "si_echec: [numero,", 1), encoding="utf-8")
    assert load_rules(knowledge_copy) is second
    assert "Modification des règles refusée" in caplog.text


def test_load_rules_without_any_valid_version_raises(knowledge_copy):
    (knowledge_copy / "eligibilite" / "commun.yml").write_text("oui: oui\n", encoding="utf-8")
    with pytest.raises(KnowledgeErrors, match="commun.yml"):
        load_rules(knowledge_copy)


# --- the three-valued combination, on toy criteria ----------------------------------------------------------------

def leaf(key, fact, explains=False):
    def test(context):
        value = context.fact(fact)
        return unknown(fact) if value is None else result(value, value)
    return Criterion(key, test, facts=(fact,), explains=explains)


def run(node, **facts):
    return node.evaluate(Context(facts, parameters=None, on=dt.date(2025, 1, 1), labels=lambda n, v: v))


def test_all_of_fails_on_any_failure_and_lists_every_missing_fact():
    tree = AllOf(leaf("a", "age"), leaf("b", "a_nud"), leaf("c", "urgence"))
    assert run(tree).missing == ("age", "a_nud", "urgence")
    outcome = run(tree, a_nud=False)
    assert outcome.passed is False and outcome.missing == () and outcome.deciding.criterion.key == "b"


def test_any_of_passes_on_one_success_and_asks_its_first_undecided_child_only():
    tree = AnyOf(leaf("a", "age"), leaf("b", "a_nud"))
    assert run(tree).missing == ("age",)
    assert run(tree, age=False).missing == ("a_nud",)
    assert run(tree, a_nud=True).passed is True
    failed = run(tree, age=False, a_nud=False)
    assert failed.passed is False and [leaf.criterion.key for leaf in failed.failing] == ["a", "b"]


def test_only_if_ignores_a_branch_that_does_not_apply():
    couple = Condition("couple", lambda c: unknown("nb_titulaires_bail") if c.fact("nb_titulaires_bail") is None
                       else result(c.fact("nb_titulaires_bail") == 2), facts=("nb_titulaires_bail",))
    tree = AnyOf(leaf("a", "age"), OnlyIf(couple, leaf("b", "age_conjoint")))
    assert run(tree, age=False).missing == ("nb_titulaires_bail",)
    single = run(tree, age=False, nb_titulaires_bail=1)
    assert single.passed is False and [leaf.criterion.key for leaf in single.failing] == ["a"]
    assert run(tree, age=False, nb_titulaires_bail=2, age_conjoint=True).passed is True


def test_requires_stops_at_a_failed_gate():
    tree = Requires(leaf("gate", "a_nud"), leaf("a", "age"))
    closed = run(tree, a_nud=False)
    assert closed.passed is False and [leaf.criterion.key for leaf in closed.leaves] == ["gate"]
    assert run(tree, a_nud=True).missing == ("age",)


def test_a_positive_verdict_is_explained_by_the_marked_criterion():
    tree = AllOf(leaf("a", "age"), AnyOf(leaf("b", "a_nud", explains=True)), leaf("c", "urgence"))
    assert run(tree, age=True, a_nud=True, urgence=True).deciding.criterion.key == "b"


def test_a_criterion_cannot_read_an_undeclared_fact():
    sneaky = Criterion("x", lambda c: result(c.fact("urgence") is None), facts=("age",))
    with pytest.raises(AssertionError, match="undeclared fact 'urgence'"):
        run(sneaky, age=1)


def test_an_undecided_criterion_must_name_what_it_misses():
    vague = Criterion("x", lambda c: unknown(), facts=())
    with pytest.raises(AssertionError, match="without naming a missing fact"):
        run(vague)


def test_command_line_check(knowledge_copy, capsys):
    assert main([str(knowledge_copy)]) == 0
    assert "6 aides" in capsys.readouterr().out
    (knowledge_copy / "parametres" / "visale" / "age.yml").write_text("description: x\n", encoding="utf-8")
    assert main([str(knowledge_copy)]) == 1
    assert "parametres/visale/age.yml" in capsys.readouterr().err
