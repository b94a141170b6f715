"""Facts read from messages (bot.situation.reader) and answers to the question asked (bot.dialogue.answers).

Every assertion compares the whole result: a spurious fact fails the test as surely as a missing one.
The figures on the annotated sets written apart from the code are measured by `make quality` (docs/quality.md).
"""

import datetime as dt
from pathlib import Path

import pytest

from bot.dialogue.answers import answer_to, is_unknown, option_chosen
from bot.rules import fact
from bot.situation.reader import SituationReader

READER = SituationReader.from_knowledge(Path("knowledge"))
TODAY = dt.date(2026, 12, 2)


def read(text, staff=False):
    return READER.read(text, TODAY, staff).as_annotation()


@pytest.mark.parametrize("text, expected", [
    ("on est en couple, mon conjoint gagne 3000 euros et moi 1200, on a droit à visale ?",
     {"menage": {"en_couple": True}, "conjoint": {"revenu_mensuel_net": 3000}, "personne": {"revenu_mensuel_net": 1200}}),
    ("étudiant en master, pas boursier, pas de job",
     {"personne": {"situation_pro": "etudiant", "etudiant_boursier": False, "etudiant_salarie": False}}),
    ("CDI privé, je ne suis plus en période d'essai",
     {"personne": {"type_contrat": "cdi", "situation_pro": "salarie", "secteur_employeur": "prive",
                   "periode_essai": False}}),
    ("je travaille à la mairie", {"personne": {"situation_pro": "salarie", "secteur_employeur": "public"}}),
    ("aide-soignante à l'hôpital public en CDI",
     {"personne": {"situation_pro": "salarie", "secteur_employeur": "public", "type_contrat": "cdi"}}),
    ("je travaille", {"personne": {"situation_pro": "salarie"}}),
    ("T2 à 620, 1900 net", {"menage": {"loyer_charges_comprises": 620}, "personne": {"revenu_mensuel_net": 1900}}),
    ("950 brut, loyer 480, apl 200",
     {"personne": {"salaire_brut_mensuel": 950}, "menage": {"loyer_charges_comprises": 480, "apl_mensuelle": 200}}),
    ("loyer 450 apl 180", {"menage": {"loyer_charges_comprises": 450, "apl_mensuelle": 180}}),
    ("2500e net", {"personne": {"revenu_mensuel_net": 2500}}),
    ("j'emménage le 15 décembre", {"menage": {"mois_depuis_entree_logement": 0}}),
    ("je déménage de Lille à Rennes pour mon nouveau poste",
     {"menage": {"commune_precedente": "Lille", "commune": "Rennes"}, "personne": {"nouvel_emploi_ou_mutation": True}}),
    ("j'ai 29 ans et mon mari 33, il est fonctionnaire",
     {"personne": {"age": 29}, "conjoint": {"age": 33, "situation_pro": "salarie", "secteur_employeur": "public"},
      "menage": {"en_couple": True}}),
    ("non pas encore signé le bail", {"menage": {"bail_signe": False}}),
    ("je sais pas combien on est dans la boîte, je suis en CDI",
     {"personne": {"taille_entreprise": "inconnu", "type_contrat": "cdi", "situation_pro": "salarie"}}),
    ("j'ai commencé un CDI il y a deux mois dans une agence, encore en période d'essai",
     {"personne": {"type_contrat": "cdi", "situation_pro": "salarie", "anciennete_emploi_mois": 2,
                   "periode_essai": True}}),
    ("je veux vérifier si je suis éligible", {}),
    ("bonjour", {}),
    ("ma mutation date d'il y a 7 mois", {"personne": {"mutation_recente": False}}),
    ("g une promesse dembauche en cdi, je commence le 4 janvier",
     {"personne": {"promesse_embauche": True, "type_contrat": "cdi"}}),
    ("ma coloc et moi on signe le bail ensemble", {"menage": {"nb_titulaires_bail": 2}}),
    ("je déménage de Lille à Rennes, muté par mon entreprise",
     {"menage": {"commune_precedente": "Lille", "commune": "Rennes"},
      "personne": {"situation_pro": "salarie", "mutation_recente": True, "nouvel_emploi_ou_mutation": True}}),
    ("je déménage de Bayonne à Pau pour me rapprocher de ma mère, ce n'est pas lié au travail",
     {"menage": {"commune_precedente": "Bayonne", "commune": "Pau"}, "personne": {"nouvel_emploi_ou_mutation": False}}),
    ("je suis en cdd d'un an", {"personne": {"situation_pro": "salarie", "type_contrat": "cdd", "duree_contrat_mois": 12}}),
    ("étudiante en licence, je bosse 12h par semaine à la boulangerie",
     {"personne": {"situation_pro": "etudiant", "etudiant_salarie": True, "secteur_employeur": "prive"}}),
    ("il a un NUD depuis 3 ans", {"menage": {"a_nud": True}}),
    ("slt 27a interim 1600net loyer 650cc marseille visale?",
     {"personne": {"age": 27, "type_contrat": "interim", "situation_pro": "salarie", "revenu_mensuel_net": 1600},
      "menage": {"loyer_charges_comprises": 650, "commune": "Marseille"}}),
    ("depuis le 15 mars", {}),
    ("je suis en contrat de pro via une agence d'intérim depuis un mois",
     {"personne": {"situation_pro": "alternant", "secteur_employeur": "prive", "type_contrat": "interim",
                   "anciennete_emploi_mois": 1}}),
    ("aide-soignante en CDI, je ne sais pas si c'est l'hôpital public ou la clinique privée",
     {"personne": {"situation_pro": "salarie", "type_contrat": "cdi", "secteur_employeur": "inconnu"}}),
    ("en CDD dans un supermarché, bail signé il y a 30 mois",
     {"personne": {"situation_pro": "salarie", "type_contrat": "cdd", "secteur_employeur": "prive"},
      "menage": {"bail_signe": True, "mois_depuis_entree_logement": 30}}),
    ("ma compagne vient de me quitter et je ne peux plus assumer le loyer",
     {"menage": {"en_couple": False}, "personne": {"evenement_difficulte": True}}),
    ("on signe tous les deux", {"menage": {"nb_titulaires_bail": 2}}),
    ("g 2 colocs, on est 3 sur le meme bail", {"menage": {"nb_titulaires_bail": 3}}),
    ("jsuis etudiant en 2e annee de licence, ni bourse ni boulot",
     {"personne": {"situation_pro": "etudiant", "etudiant_boursier": False, "etudiant_salarie": False}}),
    ("elle dort dans sa voiture", {"personne": {"urgence": True}}),
    ("je n'ai pas d'APL", {"menage": {"apl_mensuelle": 0}}),
    ("un CDI de 15 ans", {"personne": {"situation_pro": "salarie", "type_contrat": "cdi", "anciennete_emploi_mois": 180}}),
    ("jgagne 1k8", {"personne": {"revenu_mensuel_net": 1800}}),
    ("Pas de CDD, pas d'intérim : je suis en CDI", {"personne": {"situation_pro": "salarie", "type_contrat": "cdi"}}),
    ("je bosse ds un hôpital privé", {"personne": {"situation_pro": "salarie", "secteur_employeur": "prive"}}),
    ("chui etudiant ds 1 ecole privée", {"personne": {"situation_pro": "etudiant"}}),
    ("visale ca couvre quoi si jpaye plus mon loyer", {}),
    ("je ne paie plus mon loyer", {"personne": {"evenement_difficulte": True}}),
    ("je n'ai jamais eu d'impayés", {"personne": {"evenement_difficulte": False}}),
    ("on n'est plus ensemble", {"menage": {"en_couple": False}, "personne": {"evenement_difficulte": True}}),
    # the cue right before an amount is that amount's (« net 1 450, brut 1 880 »); a yearly word before it
    ("paie nette 1 450, brute 1 880", {"personne": {"revenu_mensuel_net": 1450, "salaire_brut_mensuel": 1880}}),
    ("mon salaire annuel brut est de 30 000 €", {"personne": {"salaire_brut_mensuel": 2500}}),
    # the couple's income together is nobody's own
    ("on touche 3100 a nous deux", {}),
    # a département number is no age; a corrected age is the one kept; three ages of three people are nobody's
    ("j'habite dans le 59 a Roubaix, j'ai 31 ans", {"personne": {"age": 31}, "menage": {"commune": "Roubaix"}}),
    ("pas 23, 24 ans", {"personne": {"age": 24}}),
    ("nous sommes 3 amis de 19, 20 et 21 ans", {}),
    # a relative one writes for is the person; a pronoun with no one else spoken of is not a partner
    ("c'est pour ma fille, elle a 19 ans et elle est en alternance",
     {"personne": {"age": 19, "situation_pro": "alternant"}}),
    ("mon CDD, il finit en mars, 1400 net", {"personne": {"situation_pro": "salarie", "type_contrat": "cdd",
                                                          "revenu_mensuel_net": 1400}}),
    ("période d'essai finie depuis longtemps", {"personne": {"periode_essai": False}}),
    # a commune named for the workplace or a weather question is not the dwelling's
    ("apprentie dans une pharmacie de 8 salariés à Vannes", {"personne": {"situation_pro": "alternant",
                                                                          "secteur_employeur": "prive",
                                                                          "taille_entreprise": 8}}),
    ("quel temps fera-t-il demain à Nantes ?", {}),
    # a question about a word or a rule states nothing
    ("que veut dire NUD ?", {}),
    # a bare amount right after a contract is the earnings of whoever holds it
    ("moi 26a en cdd 1450, mon pote 28a interim 1700, on sera 2 sur le bail",
     {"personne": {"age": 26, "situation_pro": "salarie", "type_contrat": "cdd", "revenu_mensuel_net": 1450},
      "conjoint": {"age": 28, "situation_pro": "salarie", "type_contrat": "interim", "revenu_mensuel_net": 1700},
      "menage": {"nb_titulaires_bail": 2}}),
    # the lease and the work-study contract each dated: the gap between them; a gap said in months
    ("mon bail démarre le 1er mars et mon contrat de professionnalisation le 1er mai",
     {"personne": {"ecart_bail_contrat_mois": 2.0}}),
    ("le bail a commencé 6 semaines après mon contrat", {"personne": {"ecart_bail_contrat_mois": 1.4}}),
    # a move-in still to come is 0 months in the dwelling, not last year's date
    ("pas encore dans les lieux, l'entrée est prévue le 20 janvier", {"menage": {"mois_depuis_entree_logement": 0.0}}),
    # a transfer to come is not a recent one, but the move is for the job; an old one is not recent
    ("mon employeur me mute à Rennes en mars, je dois déménager",
     {"personne": {"situation_pro": "salarie", "nouvel_emploi_ou_mutation": True}}),
    ("ma mutation remonte à 3 ans", {"personne": {"mutation_recente": False}}),
    ("je change de ville mais rien à voir avec une mutation", {"personne": {"mutation_recente": False}}),
    ("j'ai terminé ma période d'essai lundi", {"personne": {"periode_essai": False}}),
    # a range asked about, a deposit, a rent debt are none of the person's amounts
    ("le prêt va de 100 à 1200 €, ou entre 300 et 900 € ?", {}),
    ("j'ai versé 850 de caution", {}),
    ("une dette de loyers de 1 600 €, loyer 540", {"personne": {"evenement_difficulte": True},
                                                 "menage": {"loyer_charges_comprises": 540}}),
    ("je sais pas si mon entreprise a moins de 10 salariés", {"personne": {"taille_entreprise": "inconnu"}}),
    # which age is whose, when the message says it after the pair
    ("nous avons 42 et 45 ans, moi la plus jeune", {"personne": {"age": 42}, "conjoint": {"age": 45}}),
    ("on a 30 et 33 ans, lui l'aîné", {"conjoint": {"age": 33}, "personne": {"age": 30}}),
    ("ma copine est infirmière libérale, moi je suis en CDD. On a 28 et 31 ans respectivement",
     {"menage": {"en_couple": True}, "conjoint": {"situation_pro": "independant", "age": 28},
      "personne": {"situation_pro": "salarie", "type_contrat": "cdd", "age": 31}}),
    # a duration of something else than the job is not the time in the job
    ("Monsieur a 50 ans, il touche le RSA. Il a des impayés de loyer depuis 5 mois.",
     {"personne": {"age": 50, "situation_pro": "autre", "evenement_difficulte": True}}),
    ("j'ai un NUR depuis 2 ans, je suis en CDI", {"menage": {"a_nud": True},
                                                  "personne": {"situation_pro": "salarie", "type_contrat": "cdi"}}),
    # what a landlord asks for, a rule asked about, a job search are no facts of the lease or the person
    ("la propriétaire exige un CDI, moi j'ai une promesse d'embauche", {"personne": {"promesse_embauche": True}}),
    ("faut-il être en CDI pour avoir Visale ?", {}),
    ("est-ce qu'on doit être salarié pour le FSL ?", {}),
    ("plus de boulot depuis juin, je cherche, j'ai 33 ans",
     {"personne": {"situation_pro": "demandeur_emploi", "age": 33, "evenement_difficulte": True}}),
    ("elle a perdu son travail de caissière et touche l'ARE",
     {"personne": {"situation_pro": "demandeur_emploi", "evenement_difficulte": True}}),
    # a situation or a contract said of both
    ("mon mari et moi sommes retraités tous les deux", {"menage": {"en_couple": True},
                                                       "personne": {"situation_pro": "retraite"},
                                                       "conjoint": {"situation_pro": "retraite"}}),
    ("ma compagne et moi, tous deux en CDD", {"menage": {"en_couple": True},
                                             "personne": {"situation_pro": "salarie", "type_contrat": "cdd"},
                                             "conjoint": {"situation_pro": "salarie", "type_contrat": "cdd"}}),
    # « un an 1/2 », a transfer of more than a year, one lease each
    ("en CDI depuis 1 an 1/2", {"personne": {"situation_pro": "salarie", "type_contrat": "cdi",
                                             "anciennete_emploi_mois": 18}}),
    ("ma mutation date de plus d'un an", {"personne": {"mutation_recente": False}}),
    ("on sera quatre colocs, chacun aura son propre bail", {"menage": {"nb_titulaires_bail": 1}}),
    # the former home named with its people or its kind
    ("je vis chez ma tante à Poitiers et je cherche un studio à Niort",
     {"menage": {"commune": "Niort", "commune_precedente": "Poitiers", "bail_signe": False}}),
    ("il a quitté le logement familial à Vesoul pour son apprentissage",
     {"menage": {"commune_precedente": "Vesoul"}, "personne": {"situation_pro": "alternant"}}),
    ("j'ai trouvé un appartement à Pau, à 40 km de chez mes parents à Tarbes",
     {"menage": {"commune": "Pau", "commune_precedente": "Tarbes"}, "personne": {"distance_km": 40}}),
])
def test_facts_stated_in_a_message(text, expected):
    assert read(text) == expected


def test_an_agent_s_elle_meme_is_the_person_described_not_her_partner():
    assert read("Une dame en couple avec un artisan. Elle-même a 44 ans.", staff=True) == {
        "menage": {"en_couple": True}, "personne": {"age": 44}, "conjoint": {"situation_pro": "independant"}}


def test_staff_describing_a_person_is_third_person():
    reading = READER.read("la personne que j'accompagne a 27 ans, elle est en CDD de 6 mois dans un supermarché",
                          TODAY, True)
    assert reading.third_person and reading.as_annotation() == {"personne": {
        "age": 27, "situation_pro": "salarie", "type_contrat": "cdd", "duree_contrat_mois": 6,
        "secteur_employeur": "prive"}}


@pytest.mark.parametrize("text, asked, expected", [
    ("24", "age", 24), ("trois mille euros", "revenu_mensuel_net", 3000), ("3000e", "revenu_mensuel_net", 3000),
    ("45 min", "duree_trajet_min", 45), ("une demi-heure de route", "duree_trajet_min", 30),
    ("80 km", "distance_km", 80), ("oui", "a_nud", True), ("nn pas signé", "bail_signe", False),
    ("en intérim", "type_contrat", "interim"), ("salarié", "situation_pro", "salarie"),
    ("2", "nb_titulaires_bail", 2), ("1.5 mois", "mois_depuis_entree_logement", 1.5),
    ("deux ans et demi", "mois_depuis_entree_logement", 30), ("une quinzaine", "taille_entreprise", 15),
    ("zero, j'ai rien", "revenu_mensuel_net", 0), ("Lille", "commune", "Lille"),
    ("250", "age", 250),  # out of range: the catalogue refuses it, the check asks again
])
def test_answer_to_the_question_asked(text, asked, expected):
    assert answer_to(fact(asked), text, READER.lexicon) == expected


def test_number_with_another_unit_does_not_answer():
    assert answer_to(fact("nb_titulaires_bail"), "3000 €") is None


@pytest.mark.parametrize("text", ["je sais pas", "aucune idée", "jsp", "je ne connais pas son salaire", "pas sûr"])
def test_unknown_answers(text):
    assert is_unknown(text)


def test_typed_choices_pick_the_offered_button():
    options = [("Oui", "/informer-oui"), ("Non", "/informer-non"), ("Je ne sais pas", "/informer-jsp")]
    assert [option_chosen(t, options) for t in ("2", "le premier", "le dernier", "non", "peut-être")] == [
        "/informer-non", "/informer-oui", "/informer-jsp", "/informer-non", None]
    # « aucune idée » says no « non »: it is an unknown answer, not the « Non » button
    assert option_chosen("aucune idée", [("Oui", True), ("Non", False)]) is None


def test_an_agents_own_sentence_does_not_swallow_the_person_described():
    assert READER.read("Je suis au CCAS de Cayenne. La dame que j'accompagne a 28 ans, en CDD de 12 mois.", TODAY,
                       True).as_annotation() == {"personne": {"age": 28, "situation_pro": "salarie", "type_contrat": "cdd",
                                                              "duree_contrat_mois": 12}}


def test_a_lease_signed_long_ago_is_time_in_the_dwelling_to_confirm_never_time_in_the_job():
    facts = {f.name: f for f in READER.read("en CDD dans un supermarché, bail signé il y a 30 mois", TODAY).facts}
    assert "anciennete_emploi_mois" not in facts
    assert facts["mois_depuis_entree_logement"].value == 30 and facts["mois_depuis_entree_logement"].confidence < 0.9
