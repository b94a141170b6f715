"""The rare logic no criterion type covers, as named Python functions: the one place they are registered.

An aid's YAML calls them by name (`python: visale.taux_effort`), with the parameters they read given
by role (`parametres: {taux: visale.taux_effort_maximum}`), so that every parameter name stays in the
YAML. Three kinds:
- CRITERIA: `build(key, explains, parameters, **options) -> Criterion` (a leaf of the tree);
- CONDITIONS: `build(parameters) -> Condition` (the `si:` of a branch);
- EXTRAS: `build(parameters) -> AidExtras` (amounts, lead times, notes that complete a verdict).
A new function is written in the module of its aid and added to these tables; bot/rules/criteria.py
checks the roles and options the YAML gives against `roles`, `options` and `nodes` (roles naming a
parameter node with one value per zone).
"""

from dataclasses import dataclass
from typing import Callable, Dict, Tuple

from bot.rules.functions import accompagnement, alin, loca_pass, mobili_jeune, mobili_pass, visale


@dataclass(frozen=True)
class Function:
    build: Callable
    roles: Tuple[str, ...] = ()
    options: Tuple[str, ...] = ()
    nodes: Tuple[str, ...] = ()


CRITERIA: Dict[str, Function] = {
    "visale.avant_signature": Function(visale.before_signing),
    "visale.hors_cdi_confirme": Function(visale.not_confirmed_permanent, options=("titulaire",)),
    "visale.taux_effort": Function(visale.effort_rate, roles=("taux",)),
    "visale.ressources_etudiant": Function(visale.student_resources, roles=("seuil",), nodes=("seuil",)),
    "mobili_jeune.salaire_plafond": Function(mobili_jeune.salary, roles=("taux", "smic")),
    "mobili_jeune.reste_a_charge": Function(mobili_jeune.remainder, roles=("minimum",)),
    "loca_pass.profil": Function(loca_pass.profile, roles=("age_limite",)),
    "accompagnement.contrat": Function(accompagnement.contract, roles=("mois",)),
}

CONDITIONS: Dict[str, Function] = {
    "visale.menage_etudiant": Function(visale.young_student_household, roles=("age_maximum",)),
}

EXTRAS: Dict[str, Function] = {
    "alin.numero_demande": Function(alin.demand_number, roles=("non_agricole", "agricole")),
    "mobili_jeune.montant": Function(mobili_jeune.amount, roles=("minimum", "maximum", "maximum_annuel")),
    "mobili_pass.montant": Function(mobili_pass.amount, roles=("subvention_a", "subvention_b", "total_a", "total_b")),
    "loca_pass.montant": Function(loca_pass.amount, roles=("maximum", "duree", "mensualite")),
    "accompagnement.delai": Function(accompagnement.lead_time, roles=("urgent", "classique_minimum",
                                                                       "classique_maximum")),
}
