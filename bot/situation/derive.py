"""What some facts imply for others, applied each time the situation changes.

- a commune gives the Visale zone of the dwelling (bot/situation/geography.py); `ile_de_france: oui`
  gives it too;
- having moved in (`mois_depuis_entree_logement` > 0) means the lease is signed, and a lease not signed
  yet means the person has not moved in (0 months);
- without a word of a partner or co-tenant, the lease has one holder (the verdict says it counted one);
  a couple will most likely sign together: two holders, to be confirmed.
A derived fact never replaces what the person said.
"""

from bot.situation.geography import Communes, IDF
from bot.situation.model import DERIVED, SURE, Situation

ZONE, COMMUNE = "zone_logement", "commune"
APPROXIMATE = "zone_approximative"
WEAK = 0.6


def derive(situation: Situation, communes: Communes) -> Situation:
    facts = situation.facts
    said = lambda name: name in facts and facts[name].source != DERIVED  # noqa: E731
    if not said(ZONE):
        commune = situation.get(COMMUNE)
        zone, approximate = communes.zone(commune) if commune else (None, False)
        if zone is None and situation.get("ile_de_france") is True:
            zone, approximate = IDF, False
        if zone is not None:
            situation = situation.with_fact(ZONE, zone, DERIVED, SURE).with_fact(APPROXIMATE, approximate, DERIVED)
        elif ZONE in facts:
            situation = situation.without(ZONE, APPROXIMATE)
    moved_in = situation.get("mois_depuis_entree_logement")
    if not said("bail_signe") and moved_in is not None and moved_in > 0:
        situation = situation.with_fact("bail_signe", True, DERIVED, SURE)
    if not said("mois_depuis_entree_logement") and situation.get("bail_signe") is False:
        situation = situation.with_fact("mois_depuis_entree_logement", 0, DERIVED, SURE)
    elif not said("mois_depuis_entree_logement") and "mois_depuis_entree_logement" in facts and \
            situation.get("bail_signe") is not False:
        situation = situation.without("mois_depuis_entree_logement")  # the lease is signed after all
    if not said("nb_titulaires_bail"):
        partner = situation.get("en_couple") is True or any(name.endswith("_conjoint") for name in facts)
        situation = situation.with_fact("nb_titulaires_bail", 2 if partner else 1, DERIVED, WEAK if partner else SURE)
    return situation
