"""The facts of a situation: name, type, allowed values, and whose they can be.

A fact has a **subject**: `personne` (the person whose situation is checked: the user, or the person
a CCAS agent describes), `conjoint` (the other person of the couple or the other lease holder) or
`menage` (the household and its dwelling). The rules name the partner's facts with a suffix
(`age_conjoint`); `rule_name()` and `situated()` translate between the two.
"""

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

PERSONNE, CONJOINT, MENAGE = "personne", "conjoint", "menage"
SUBJECTS = (PERSONNE, CONJOINT, MENAGE)
PARTNER_SUFFIX = "_conjoint"
UNKNOWN = "inconnu"  # the user said they do not know

SITUATIONS = ("salarie", "alternant", "etudiant", "demandeur_emploi", "independant", "retraite", "autre")
SECTORS = ("prive", "agricole", "public")
CONTRACTS = ("cdi", "cdd", "interim", "autre")
ZONES = ("ile_de_france", "grande_agglomeration", "autre_commune")


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str                     # int, float, bool, choice, text
    choices: Tuple[str, ...] = ()
    partner: bool = False         # also a fact of the `conjoint`
    household: bool = False       # a fact of the `menage`


def _specs(*specs: FactSpec) -> Dict[str, FactSpec]:
    return {spec.name: spec for spec in specs}


FACTS: Dict[str, FactSpec] = _specs(
    FactSpec("age", "int", partner=True),
    FactSpec("situation_pro", "choice", SITUATIONS, partner=True),
    FactSpec("secteur_employeur", "choice", SECTORS, partner=True),
    FactSpec("type_contrat", "choice", CONTRACTS, partner=True),
    FactSpec("periode_essai", "bool", partner=True),
    FactSpec("anciennete_emploi_mois", "float", partner=True),
    FactSpec("duree_contrat_mois", "float"),
    FactSpec("mutation_recente", "bool", partner=True),
    FactSpec("promesse_embauche", "bool", partner=True),
    FactSpec("revenu_mensuel_net", "float", partner=True),
    FactSpec("salaire_brut_mensuel", "float"),
    FactSpec("taille_entreprise", "int"),
    FactSpec("etudiant_boursier", "bool"),
    FactSpec("etudiant_salarie", "bool"),
    FactSpec("agent_contractuel", "bool"),
    FactSpec("nouvel_emploi_ou_mutation", "bool"),
    FactSpec("distance_km", "float"),
    FactSpec("duree_trajet_min", "float"),
    FactSpec("ecart_bail_contrat_mois", "float"),
    FactSpec("evenement_difficulte", "bool"),
    FactSpec("urgence", "bool"),
    FactSpec("en_couple", "bool", household=True),
    FactSpec("nb_titulaires_bail", "int", household=True),
    FactSpec("loyer_charges_comprises", "float", household=True),
    FactSpec("apl_mensuelle", "float", household=True),
    FactSpec("commune", "text", household=True),
    FactSpec("commune_precedente", "text", household=True),
    FactSpec("ile_de_france", "bool", household=True),
    FactSpec("zone_logement", "choice", ZONES, household=True),
    FactSpec("a_nud", "bool", household=True),
    FactSpec("mois_depuis_entree_logement", "float", household=True),
    FactSpec("bail_signe", "bool", household=True),
)


def subject_of(name: str) -> str:
    """The subject a base fact belongs to when said without a subject."""
    return MENAGE if FACTS[name].household else PERSONNE


def allowed(subject: str, name: str) -> bool:
    spec = FACTS.get(name)
    if spec is None:
        return False
    if spec.household:
        return subject == MENAGE
    return subject == PERSONNE or (subject == CONJOINT and spec.partner)


def rule_name(subject: str, name: str) -> Optional[str]:
    """The rules' name of a fact (`age_conjoint` for the partner's age), None if not allowed."""
    if not allowed(subject, name):
        return None
    return name + PARTNER_SUFFIX if subject == CONJOINT else name


def situated(rule_fact: str) -> Tuple[str, str]:
    """(subject, base name) of a rules' fact name."""
    if rule_fact.endswith(PARTNER_SUFFIX) and rule_fact[:-len(PARTNER_SUFFIX)] in FACTS:
        return CONJOINT, rule_fact[:-len(PARTNER_SUFFIX)]
    if rule_fact in FACTS:
        return subject_of(rule_fact), rule_fact
    raise KeyError(rule_fact)


def rule_facts() -> Dict[str, FactSpec]:
    """Every fact name the rules may use, with its spec (partner facts suffixed)."""
    names: Dict[str, FactSpec] = {}
    for spec in FACTS.values():
        names[spec.name] = spec
        if spec.partner:
            names[spec.name + PARTNER_SUFFIX] = spec
    return names
