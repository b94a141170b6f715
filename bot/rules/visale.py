"""Visale, Action Logement's free rent guarantee: who can have it, for one or two lease holders.

- The visa is asked for before the lease is signed (no guarantee once it is signed).
- Every holder is 18 or more; at most two holders share one lease and one guarantee (three or
  more: each needs an individual lease and visa).
- The household is eligible as soon as ONE holder is (the most favourable situation is kept,
  webinar 20/10/2023: a couple earning 3 000 € and 1 200 € is assessed on the 1 200 € one):
  aged 30 or less, or over 30 and an employee of a private or agricultural company (or an
  apprentice) who is within 6 months of hiring (not a confirmed permanent contract), earns at
  most a net ceiling a month (1 500 € from 4 June 2021, 1 710 € from 6 January 2026), or was
  transferred within 6 months; or anyone with a hiring promise from such a company.
- Rent, charges included, at most the ceiling of the dwelling's zone (since 6 January 2026:
  Île-de-France; agglomerations over 100 000 inhabitants, Corse, DROM, Saint-Martin; other
  communes) and at most half of the holders' resources added up; a student or apprentice aged 30
  or less may instead rent up to a flat amount without resource condition, or above it with
  resources over a threshold. Every amount is a dated parameter (knowledge/parametres/visale/).
"""

from dataclasses import dataclass

from bot.rules.aid import AidRules
from bot.rules.employment import AGRICULTURAL, NON_AGRICULTURAL, employee_of
from bot.rules.formatting import percent
from bot.rules.logic import (AllOf, AnyOf, Check, Condition, Context, Criterion, OnlyIf, parameter_in_force, result,
                             unknown)

AGE_MIN = "visale.age.minimum"
AGE_MAX = "visale.age.maximum"
HOLDERS_MAX = "visale.nombre_titulaires_maximum"
ZONES = ("ile_de_france", "grande_agglomeration", "autre_commune")
CAPS = {zone: f"visale.plafond_loyer.{zone}" for zone in ZONES}
EFFORT_RATE = "visale.taux_effort_maximum"
SALARY_MAX = "visale.plus_de_30_ans.salaire_net_maximum"
HIRING_MONTHS = "visale.plus_de_30_ans.anciennete_emploi_maximum_mois"
FLAT_RENTS = {zone: f"visale.etudiant.loyer_sans_condition_de_ressources.{zone}" for zone in ZONES}
STUDENT_INCOMES = {zone: f"visale.etudiant.ressources_au_dela_du_loyer_sans_condition.{zone}" for zone in ZONES}

PRIVATE_SECTORS = ("prive", "agricole")
STUDENTS = ("etudiant", "alternant")
RENT, ZONE, HOLDERS, SIGNED = "loyer_charges_comprises", "zone_logement", "nb_titulaires_bail", "bail_signe"
MOVED_IN = "mois_depuis_entree_logement"
INCOME, PARTNER_INCOME = "revenu_mensuel_net", "revenu_mensuel_net_conjoint"


@dataclass(frozen=True)
class Holder:
    """The fact names describing one lease holder, and the suffix of its criteria keys."""

    suffix: str

    def __getattr__(self, name):
        if name in HOLDER_FACTS:
            return HOLDER_FACTS[name] + self.suffix
        raise AttributeError(name)


HOLDER_FACTS = {"age": "age", "situation": "situation_pro", "sector": "secteur_employeur", "contract": "type_contrat",
                "trial": "periode_essai", "months_in_job": "anciennete_emploi_mois", "transfer": "mutation_recente",
                "promise": "promesse_embauche", "income": "revenu_mensuel_net"}
APPLICANT = Holder("")
PARTNER = Holder("_conjoint")


def _age_minimum(context: Context) -> Check:
    minimum, age = context.param(AGE_MIN), context.fact("age")
    if age is None:
        return unknown("age", age_minimum=minimum)
    return result(age >= minimum, age, age_minimum=minimum)


def _holders(context: Context) -> Check:
    maximum, holders = context.param(HOLDERS_MAX), context.fact(HOLDERS)
    if holders is None:
        return unknown(HOLDERS, maximum=maximum)
    return result(holders <= maximum, holders, maximum=maximum)


def _before_signing(context: Context) -> Check:
    """The visa is asked for before the lease is signed; someone who has moved in has signed."""
    signed, moved_in = context.fact(SIGNED), context.fact(MOVED_IN)
    if signed is None and moved_in is not None and moved_in > 0:
        signed = True
    if signed is None:
        return unknown(SIGNED)
    return result(not signed, signed)


def _zone_data(prefix: str, limits) -> dict:
    return {f"{prefix}_{zone}": value for zone, value in limits.items()}


def _rent_cap(context: Context) -> Check:
    caps = {zone: context.param(name) for zone, name in CAPS.items()}
    return _within(context, context.fact(RENT), caps, _zone_data("plafond", caps))


def _within(context: Context, rent, limits, data) -> Check:
    """rent ≤ the limit of the dwelling's zone; the zone is asked only when it matters."""
    if rent is None:
        return unknown(RENT, **data)
    zone = context.fact(ZONE)
    if zone is None:
        if rent <= min(limits.values()):
            return result(True, rent, **data)
        if rent > max(limits.values()):
            return result(False, rent, **data)
        return unknown(ZONE, value=rent, **data)
    return result(rent <= limits[zone], rent, **data)


def _young(holder: Holder) -> Criterion:
    def test(context: Context) -> Check:
        maximum, age = context.param(AGE_MAX), context.fact(holder.age)
        if age is None:
            return unknown(holder.age, age_maximum=maximum)
        return result(age <= maximum, age, age_maximum=maximum)
    return Criterion("age_maximum" + holder.suffix, test, facts=(holder.age,), parameters=(AGE_MAX,),
                     rule_placeholders=frozenset({"age_maximum"}), explains=True)


def _employee(holder: Holder) -> Criterion:
    return employee_of((NON_AGRICULTURAL, AGRICULTURAL), "salarie_prive_ou_agricole" + holder.suffix,
                       suffix=holder.suffix)


def _salary(holder: Holder) -> Criterion:
    def test(context: Context) -> Check:
        maximum, income = context.param(SALARY_MAX), context.fact(holder.income)
        if income is None:
            return unknown(holder.income, plafond=maximum)
        return result(income <= maximum, income, plafond=maximum)
    return Criterion("salaire_plafond" + holder.suffix, test, facts=(holder.income,), parameters=(SALARY_MAX,),
                     rule_placeholders=frozenset({"plafond"}), explains=True)


def _not_confirmed_permanent(holder: Holder) -> Criterion:
    """Not a confirmed permanent contract: a CDI counts only during its trial period."""
    def test(context: Context) -> Check:
        contract, trial = context.fact(holder.contract), context.fact(holder.trial)
        shown = context.label(holder.contract)
        if contract is None:
            return unknown(holder.contract)
        if contract != "cdi":
            return result(True, contract, shown)
        if trial is None:
            return unknown(holder.trial, value=contract, shown=shown)
        return result(bool(trial), contract, f"{shown}, {'en' if trial else 'après la'} période d'essai")
    return Criterion("hors_cdi_confirme" + holder.suffix, test, facts=(holder.contract, holder.trial))


def _recent_hiring(holder: Holder) -> Criterion:
    def test(context: Context) -> Check:
        maximum, months = context.param(HIRING_MONTHS), context.fact(holder.months_in_job)
        if months is None:
            return unknown(holder.months_in_job, mois=maximum)
        return result(months <= maximum, months, mois=maximum)
    return Criterion("embauche_recente" + holder.suffix, test, facts=(holder.months_in_job,),
                     parameters=(HIRING_MONTHS,), rule_placeholders=frozenset({"mois"}), explains=True)


def _yes(key: str, fact: str) -> Criterion:
    def test(context: Context) -> Check:
        answer = context.fact(fact)
        return unknown(fact) if answer is None else result(answer, answer)
    return Criterion(key, test, facts=(fact,), explains=True)


def _route(holder: Holder):
    """This holder makes the household eligible."""
    over_30 = AnyOf(
        OnlyIf(parameter_in_force(SALARY_MAX), _salary(holder)),
        AllOf(_not_confirmed_permanent(holder), _recent_hiring(holder)),
        _yes("mutation_recente" + holder.suffix, holder.transfer),
    )
    return AnyOf(
        _young(holder),
        AllOf(_employee(holder), over_30),
        _yes("promesse_embauche" + holder.suffix, holder.promise),
    )


def _is_couple(context: Context) -> Check:
    holders = context.fact(HOLDERS)
    return unknown(HOLDERS) if holders is None else result(holders >= 2)


def _resources(context: Context):
    """(lowest, highest) possible total resources of the holders, and the facts that would fix it."""
    income, holders, partner = context.fact(INCOME), context.fact(HOLDERS), context.fact(PARTNER_INCOME)
    missing = [INCOME] if income is None else []
    if holders is None:
        missing.append(HOLDERS)
    elif holders >= 2 and partner is None:
        missing.append(PARTNER_INCOME)
    counted_partner = partner if holders is not None and holders >= 2 and partner is not None else 0
    lowest = (income or 0) + counted_partner
    highest = lowest if not missing else float("inf")
    return lowest, highest, tuple(missing)


def _known(context: Context, lowest):
    """The resources to show: what is known so far (a lower bound while a partner's is missing)."""
    return None if context.fact(INCOME) is None else lowest


def _effort_rate(context: Context) -> Check:
    """Rent at most half of the holders' resources; decided early when the known part already suffices."""
    rate, rent = context.param(EFFORT_RATE), context.fact(RENT)
    lowest, highest, missing = _resources(context)
    data = {"taux": percent(rate), "ressources": _known(context, lowest)}
    if rent is None:
        return unknown(RENT, *missing, **data)
    if rent <= rate * lowest:
        return result(True, rent, **data)
    if rent > rate * highest:
        return result(False, rent, **data)
    return unknown(*missing, value=rent, **data)


def _young_student(context: Context, holder: Holder):
    """Whether this holder is a student or apprentice aged 30 or less: (True/False/None, facts to ask)."""
    age, situation = context.fact(holder.age), context.fact(holder.situation)
    if (age is not None and age > context.param(AGE_MAX)) or (situation is not None and situation not in STUDENTS):
        return False, ()
    missing = tuple(name for name, value in ((holder.age, age), (holder.situation, situation)) if value is None)
    return (None, missing) if missing else (True, ())


def _young_student_household(context: Context) -> Check:
    """Condition of the students' rent rules: one of the holders is a student or apprentice aged 30 or less."""
    applicant, missing = _young_student(context, APPLICANT)
    if applicant:
        return result(True)
    holders = context.fact(HOLDERS)
    partner, partner_missing = (False, ()) if holders == 1 else _young_student(context, PARTNER)
    if partner and holders is not None:
        return result(True)
    if applicant is False and (partner is False):
        return result(False)
    return unknown(*(missing + ((HOLDERS,) if holders is None else ()) + partner_missing))


def _student_flat_rent(context: Context) -> Check:
    limits = {zone: context.param(name) for zone, name in FLAT_RENTS.items()}
    return _within(context, context.fact(RENT), limits, _zone_data("forfait", limits))


def _student_resources(context: Context) -> Check:
    """Above the flat rent, a student household needs resources over the zone's threshold."""
    thresholds = {zone: context.param(name) for zone, name in STUDENT_INCOMES.items()}
    lowest, highest, missing = _resources(context)
    data = {**_zone_data("seuil", thresholds), "ressources": _known(context, lowest)}
    zone = context.fact(ZONE)
    candidates = [thresholds[zone]] if zone is not None else list(thresholds.values())
    if lowest > max(candidates):
        return result(True, lowest, **data)
    if highest <= min(candidates):
        return result(False, lowest, **data)
    return unknown(*(missing + ((ZONE,) if zone is None else ())), value=None if missing else lowest, **data)


SOLVENCY_FACTS = (RENT, INCOME, HOLDERS, PARTNER_INCOME)

TREE = AllOf(
    Criterion("avant_signature_bail", _before_signing, facts=(SIGNED, MOVED_IN)),
    Criterion("age_minimum", _age_minimum, facts=("age",), parameters=(AGE_MIN,),
              rule_placeholders=frozenset({"age_minimum"})),
    Criterion("deux_titulaires_maximum", _holders, facts=(HOLDERS,), parameters=(HOLDERS_MAX,),
              rule_placeholders=frozenset({"maximum"})),
    Criterion("plafond_loyer", _rent_cap, facts=(RENT, ZONE), parameters=tuple(CAPS.values()),
              rule_placeholders=frozenset(_zone_data("plafond", CAPS))),
    AnyOf(
        _route(APPLICANT),
        OnlyIf(Condition("deux titulaires", _is_couple, facts=(HOLDERS,)), _route(PARTNER)),
    ),
    AnyOf(
        Criterion("taux_effort", _effort_rate, facts=SOLVENCY_FACTS, parameters=(EFFORT_RATE,),
                  rule_placeholders=frozenset({"taux"}), value_placeholders=frozenset({"ressources"})),
        OnlyIf(
            Condition("étudiant ou alternant de 30 ans au plus", _young_student_household,
                      facts=("age", "situation_pro", HOLDERS, "age_conjoint", "situation_pro_conjoint"),
                      parameters=(AGE_MAX,)),
            AnyOf(
                Criterion("loyer_etudiant_sans_condition", _student_flat_rent, facts=(RENT, ZONE),
                          parameters=tuple(FLAT_RENTS.values()),
                          rule_placeholders=frozenset(_zone_data("forfait", FLAT_RENTS))),
                Criterion("ressources_etudiant", _student_resources, facts=SOLVENCY_FACTS + (ZONE,),
                          parameters=tuple(STUDENT_INCOMES.values()),
                          rule_placeholders=frozenset(_zone_data("seuil", STUDENT_INCOMES)),
                          value_placeholders=frozenset({"ressources"})),
            ),
        ),
    ),
)

RULES = AidRules(aid="visale", tree=TREE)
