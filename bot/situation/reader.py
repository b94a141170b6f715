"""The facts a free-text message states about a situation, read with structure.

The message is normalised (SMS words, numbers in words), then read as a sequence of **mentions**:
who is spoken of (« mon conjoint », « moi », « la personne », « elle »), quantities with their unit or
their cue word (« loyer 480 », « 1 900 net », « 950 brut », « apl 200 », « 24 ans », « depuis 3 ans »,
« le 15 décembre »), and words of the lexicon (situation, employer sector, contract, yes/no facts).
Each fact takes the subject spoken of just before it in its sentence (« mon conjoint gagne 3000 et moi
1200 »), a fact of the household (rent, commune…) always belongs to the household, and a negation
in the same clause before the fact word (« pas boursier », « je ne suis plus en période d'essai »,
« sans NUD ») reverses a yes/no fact or drops a choice. « je ne sais pas » about a fact leaves it
unknown. A fact read from a weak cue (an amount without its word, a subject guessed) has a
confidence below 1: the conversation confirms it before using it.

Nothing is inferred: « CDI » says nothing about the sector, « en couple » nothing about the lease.
"""

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bot.nlu.quantities import digits
from bot.situation.geography import Communes, key as commune_key
from bot.situation.lexicon import Lexicon, plain
from bot.situation.vocabulary import CONJOINT, MENAGE, PERSONNE, UNKNOWN, allowed, subject_of

SURE, WEAK = 1.0, 0.6
INFERRED = 0.9  # implied by another word (« CDD » → an employee): used, but never replaces what was said
AGENT = "agent"  # the CCAS agent writing: their own facts are not the situation
MONTHS_FR = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
             "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
             # as SMS write them (« le 15 oct »); « mars » and « mai » have no shorter form
             "janv": 1, "fev": 2, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
NEGATION = re.compile(r"(?<![\w'])(?:pas|plus|jamais|aucun|aucune|sans|ni|non|n'|ne|pa|rien a voir)(?![\w'])")
UNKNOWING = re.compile(r"(?<![\w'])(?:(?:je |j')?(?:ne )?(?:sais|sait|savons|savent) (?:pas|plus)|jsp|"
                       r"aucune idee|pas sur|pas sure|j'ignore|je ne suis pas sur|je suis pas sur|"
                       r"je ne sais pas|on ne sait pas|on sait pas)(?![\w'])")
SENTENCE = re.compile(r"[.;!?\n]+|(?<![\w])(?:mais|par contre|sinon|alors que|tandis que)(?![\w])")
CLAUSE = re.compile(r"[,;:.!?\n()]+|(?<![\w])(?:mais|et|car|donc|puis|alors)(?![\w])")


@dataclass(frozen=True)
class ReadFact:
    subject: str
    name: str
    value: object
    confidence: float = SURE
    start: int = 0


@dataclass
class Reading:
    facts: List[ReadFact] = field(default_factory=list)
    third_person: bool = False      # the message describes someone else (a CCAS agent writing)

    def as_annotation(self) -> Dict[str, Dict[str, object]]:
        """{subject: {fact: value}}, the shape of the annotated sets."""
        out: Dict[str, Dict[str, object]] = {}
        for fact in self.facts:
            out.setdefault(fact.subject, {})[fact.name] = fact.value
        return out


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    subject: str
    gender: str = ""
    pronoun: bool = False


# --- patterns of quantities and yes/no facts (on folded text with digits) ---------------------------------

NUM = r"(\d+(?:[.,]\d+)?)"
AMOUNT = re.compile(NUM + r"\s*(k\s*(?:€|e|eur\w*)?(?![\w])|k(?![\w]))?\s*(€|e(?![\w])|eur(?:os?)?(?![\w])|euros?|balles)?")
AGE = re.compile(r"(?:(?<![\w'])(?:j'en ai|jen ai|(?:il|elle|on) en a)\s+(\d{1,2})(?!\s*(?:€|e\b|euros|mois|km|\d))|"
                 r"(?<![\w])(\d{1,2})\s*(?:ans|an|a|piges|balais)(?![\w'])(?!\s+(?:d'anciennete|de (?:cdi|cdd|contrat|boite|maison))))")
YEARS_DURATION = re.compile(r"(?:depuis|il y a|y a|ya|pendant|ca fait|cela fait|voila)\s+(?:plus de |presque |environ |bientot )?"
                            + NUM + r"\s*(ans|an|annees?|mois|semaines?|jours?)(?![\w])(\s+et demi|\s*1/2|\s*½)?")
CONTRACT_LENGTH = re.compile(r"(?:cdd|contrat|mission|interim)(?:\s+(?:etudiant|saisonnier|actuelle?|court|long))?"
                             r"\s+(?:de|d'une duree de|d'un|d'|pour|pr)?\s*" + NUM + r"\s*(mois|ans?|semaines?)(?![\w])")
CONTRACT_YEAR = re.compile(r"(?:cdd|contrat|mission)(?:\s+\w+)?\s+d'(?:un an|une annee)(?![\w])")
HEADCOUNT = re.compile(r"(?<![\w])(\d{1,6})\s*(?:salaries|salarie|employes|employe|personnes|pers|collaborateurs|"
                       r"gars|agents|sal)(?![\w])")
COMPANY_OF = re.compile(r"(?:boite|entreprise|societe|structure|pme|tpe|sarl|sas|employeur|magasin|agence|"
                        r"restaurant|usine)\s+(?:de|d'environ|d'a peu pres|d'une?)?\s*(\d{1,6})(?!\s*(?:km|€|e\b|euros|mois|ans))(?![\d\w])")
DISTANCE = re.compile(NUM + r"\s*(?:km|kms|kilometres?|bornes)(?![\w])")
TRAVEL = re.compile(r"(?<![\w])(\d{1,2})\s*(?:h|heures?)\s*(\d{1,2})?(?![\w])(?:\s*(?:min|minutes?|mn))?|(?<![\w])(\d{1,3})\s*(?:min|minutes?|mn)(?![\w])")
AFTER_RENT = re.compile(r"(?:loyer|paie|paye|t\d|studio|appart\w*)\W+(?:de |a )?\d{3,4}\s*(?:€|e|euros?|cc|hc)?\s+$")
DATE = re.compile(r"(?:le\s+)?(?<![\d.,])(\d{1,2}|1er|premier)\s+(" + "|".join(MONTHS_FR) + r")(?![\w])(?:\s+(20\d\d))?")
MONTH_ONLY = re.compile(r"(?:en|depuis|mois d'|debut|fin|courant)\s+(" + "|".join(MONTHS_FR) + r")(?![\w])(?:\s+(20\d\d))?")
RELATIVE = [(re.compile(r"le mois dernier|mois passe"), 1.0), (re.compile(r"la semaine derniere"), 0.2),
            (re.compile(r"l'an dernier|l'annee derniere"), 12.0), (re.compile(r"hier|avant-hier|ce matin"), 0.0)]

ROLE_CUES: Sequence[Tuple[str, re.Pattern]] = (
    # an amount owed is none of the facts (« 1950 € de dette », « dette de loyer de 2 100 € »)
    ("_dette", re.compile(r"(?<![\w])(?:dette|dettes|arriere|arrieres|impayes?|de retard|retard de|doit|dois|devons)(?![\w])")),
    # a deposit paid (« 600 de caution », « dépôt de garantie de 700 € ») is none of the facts either
    ("_depot", re.compile(r"(?<![\w])(?:caution|cautions|depot de garantie|depot)(?![\w])")),
    ("apl_mensuelle", re.compile(r"(?<![\w])(?:apl|als|alf|dapl|dals|aides? au logement|aides? logement|caf|allocations? (?:de )?logement)(?![\w])")),
    ("salaire_brut_mensuel", re.compile(r"(?<![\w])(?:brut|brute|bruts)(?![\w])")),
    ("loyer_charges_comprises", re.compile(r"(?<![\w])(?:loyer|loyers|cc|charges comprises|c\.c|hc|hors charges|"
                                           r"t1|t2|t3|t4|t5|f1|f2|f3|f4|f5|studio|appart|appartement|logement|maison|"
                                           r"chambre|hlm|louer|location|payer? de loyer|loue|louons|louent|mobil-home|"
                                           r"colocation|coloc|(?:je|j|on|nous|il|elle|ils|elles) (?:paie|paye|payons|"
                                           r"paient|payent|verse)|jpaye|jpaie|loyer vise|loyer envisage)(?![\w])")),
    ("revenu_mensuel_net", re.compile(r"(?<![\w])(?:net|nette|nets|gagne|gagnes|gagnons|gagnent|gagner|gagnait|"
                                      r"salaire|salaires|revenu|revenus|touche|touchons|touchent|paye|payee|payes|"
                                      r"ressources|remuneration|smic|je fais|il fait|elle fait|a peu pres|jgagne|jtouche|"
                                      r"pension|pensions|indemnise|indemnisee|indemnites|allocations? (?:de )?chomage|"
                                      r"gratifie|gratifiee|gratification)(?![\w])")),
)
# Used only when no cue above is near: an amount « par mois » of a person is most often what they earn.
WEAK_ROLE_CUES: Sequence[Tuple[str, re.Pattern]] = (
    # an amount owed is none of the facts (« 1950 € de dette », « dette de loyer de 2 100 € »)
    ("_dette", re.compile(r"(?<![\w])(?:dette|dettes|arriere|arrieres|impayes?|de retard|retard de|doit|dois|devons)(?![\w])")),
    ("revenu_mensuel_net", re.compile(r"(?<![\w])(?:par mois|/mois|mensuel|mensuels|chacun)(?![\w])")),
)
# Two amounts of a couple side by side (« on gagne 3000 et 1200 »).
PARTNER_AMOUNTS = ("revenu_mensuel_net", "salaire_brut_mensuel")
PLURAL_EARNERS = re.compile(r"(?<![\w'])(?:on|nous|ils|elles)\s+(?:gagne|gagnons|gagnent|touche|touchons|touchent|fait|faisons)"
                            r"(?:\s+\w+)?\s*$")
# What a date starts: the lease or the work-study contract (« mon bail commence le 1er janvier et mon contrat
# d'apprentissage le 1er février »), the last of the two words before the date.
START_OF = re.compile(r"(?<![\w])(bail|contrat|alternance|apprentissage|professionnalisation)(?![\w])(?!.*(?<![\w])(?:bail|contrat|"
                      r"alternance|apprentissage|professionnalisation)(?![\w]))\W+(?:(?!et\b|mais\b)[\w']+\W+){0,4}$")
LEASE_GAP = re.compile(r"(?<![\w])bail\W+(?:[\w']+\W+){0,4}?(\d+(?:[.,]\d+)?) (mois|semaines?) (?:avant|apres) "
                       r"(?:le |mon |son |sa |ma |leur |l')?(?:debut (?:du |de (?:mon |son |sa )?)?)?(?:contrat|alternance|apprentissage|embauche)")
# A transfer still to come (« ma boîte me mute en février », « je serai muté début janvier »).
FUTURE_MUTATION = re.compile(r"(?<![\w])(?:me|le|la|nous|les) mute(?:nt)?(?![\w])|(?:serai|sera|serons|seront|vais etre|va etre|"
                             r"vont etre) mute|mutation (?:prevue|a venir)|future mutation|(?:va|vais|veut|vont) (?:me |le |la )?muter")
DEBT_BEFORE = re.compile(r"(?:dette|dettes|arriere|arrieres|impayes?|retard)\W+(?:de |d'|du |des )?(?:loyers?\W+)?"
                         r"(?:de |d'|:|d'environ |d'un montant de )?\s*$")
# A contract named right before a bare amount (« cdi 1700 », « en intérim 1 500 »).
CONTRACT_BEFORE = re.compile(r"(?<![\w])(?:cdi|cdd|interim|alternance|apprentissage|contrat pro)(?: (?:confirme|a temps plein|"
                             r"a temps partiel|a mi-temps))?\s*:?\s*$")
HOUSING_WORDS = re.compile(r"(?<![\w])(?:loyer|loyers|cc|hc|apl|caf|t\d|f\d|studio|appart\w*|caution|depot|dette|retard)(?![\w])")
# An income of the couple or household together (« 2 700 à deux », « 1 900 € pour nous deux »).
COMBINED = re.compile(r"\s*(?:€|e|euros?)?\s*(?:net|nets|brut|bruts)?\s*(?:par mois\s*)?(?:a (?:deux|2)|a nous (?:deux|2)|pour (?:nous )?(?:deux|2)|"
                      r"ensemble|en tout pour (?:nous )?(?:deux|2)|pour le couple|pour le foyer|du foyer|du couple|du menage)(?![\w])")
YEARLY = re.compile(r"(?<![\w])(?:par an|/an|annuel|annuels|l'annee|a l'annee|bruts annuels)(?![\w])")

# « revenu annuel net de 21 600 € », « salaire brut annuel 36 000 € »: the yearly word before the amount.
YEARLY_BEFORE = re.compile(r"(?<![\w])(?:annuel|annuels|annuelle|par an)\W+(?:[\w']+\W+){0,3}$")

# A fact said of both people of the couple or both holders of the lease.
BOTH = re.compile(r"(?<![\w'])(?:tous|toutes) (?:les )?(?:deux|2)(?![\w'])|(?<![\w'])(?:tous|toutes) deux(?![\w'])|"
                  r"(?<![\w'])(?:l'un et l'autre|tous les 2|toutes les 2|(?:aucun|aucune) de nous (?:deux|2))(?![\w'])")
# What a landlord or an agency asks for (« le proprio veut un CDI ») is nobody's contract.
DEMANDED = re.compile(r"(?:proprio|proprietaire|bailleur|agence|ils|on me|on nous)\s+(?:\w+\s+)?(?:veut|veulent|demande|"
                      r"demandent|exige|exigent|reclame|reclament)")
HOUSING_CONTEXT = re.compile(r"emmenag|demenag|dans (?:l'|le |mon |notre |ce )(?:appart|logement|studio|maison)|"
                             r"(?:mon|notre|son|leur) (?:appart|appartement|logement|studio|t\d|f\d|maison)|entre(?:e|es|s)? dans|"
                             r"locataire|install|arriv(?:e|ee|es)s? dans|on habite|j'habite|habite|on vit|je vis|loue|louons|"
                             r"dans les lieux|pris (?:l'|un )appart|bail (?:a |avait )?(?:commence|debute|demarre)")
# « on vit ensemble depuis 5 ans » is the couple's time, not the dwelling's.
COUPLE_TIME = re.compile(r"(?:vit|vivons|vivent|vivez|sommes|est|sont) (?:ensemble|en couple)|ensemble|maries|pacses|en couple")
JOB_CONTEXT = re.compile(r"cdi|cdd|poste|boulot|travail|emploi|embauch|job|interim|bosse|travaille|chez|salarie|"
                         r"entreprise|boite|contrat|mission|en alternance|apprenti|employe|contractuel|fonctionnaire|"
                         r"mairie|hopital|agent|titulaire|vacataire|societe|pme|usine|magasin|restaurant|resto|"
                         r"periode d'essai|periode dessai|a l'essai|alternance|apprentissage|professionnalisation|"
                         r"commence|debute|demarre|supermarche|garage|startup|tpe|agence")
MUTATION_CONTEXT = re.compile(r"mute|mutee|mutation")
# Durations of a status that is not a job (« au chômage depuis 8 mois »), of a job that is over, or of a
# titularisation, are not the time in the current job.
NOT_TENURE = re.compile(r"(?:chomage|chomeur|chomeuse|sans emploi|sans travail|demandeu\w+ d'emploi|rsa|au foyer|en arret|"
                        r"plus de (?:travail|boulot|taff|job)|perdu|licencie\w*|liquidation|fermeture|etait|etais|avait|"
                        r"titularise\w*|titulaire|retraite|invalidite|france travail|pole emploi|inscrite?|fin de (?:contrat|cdd|mission)|"
                        r"nud|nur|numero unique|decede\w*|deces|accident|maladie|impayes?|retard|dettes?|"
                        r"(?:en |a la )?recherche(?: d'emploi| de travail| de logement)?|gerante?|a (?:mon|son) compte|"
                        r"auto-?entrepreneu\w*|(?:plus|pas) en periode d'essai|(?:plus|pas) en periode dessai)"
                        r"\W*(?:[\w'-]+\W+){0,4}$")

BOOLEANS: Sequence[Tuple[str, re.Pattern, bool]] = (
    ("periode_essai", re.compile(r"periode d(?:'| |)essai (?:est |a ete )?(?:terminee|finie|fini|validee|passee|terminée)|"
                                 r"fin de (?:ma |sa )?periode d(?:'| |)essai|(?:fini|termine|valide|passe) (?:ma |sa |la )?periode d(?:'| |)essai|"
                                 r"periode d(?:'| |)essai (?:s'est|c'est) (?:terminee|finie|achevee)|periode d(?:'| |)essai a pris fin|"
                                 r"cdi confirme|confirmee? en cdi|titularise|titularisee"), False),
    ("periode_essai", re.compile(r"periode d'essai|p[ée]riode d essai|periode dessai|(?:encore|toujours|en cdi|cdi) a l'essai"), True),
    ("etudiant_boursier", re.compile(r"boursier|boursiere|bourse (?:du |de )?crous|bourse sur criteres|echelon \d|"
                                     r"(?<=ni )bourse|(?<=sans )bourse|(?<=pas de )bourse|(?<=aucune )bourse"), True),
    ("a_nud", re.compile(r"(?<![\w])(?:nud|nur|numero unique|n° unique|numero de demande de logement social|"
                         r"numero d'enregistrement)(?![\w])"), True),
    ("a_nud", re.compile(r"demande de (?:logement social|hlm)(?: (?:deja )?(?:faite|deposee|en cours|enregistree))?"
                         r"|deja (?:fait|depose) (?:une|ma|la) demande"), True),
    ("promesse_embauche", re.compile(r"promesse d'embauche|promesse d embauche|promesse dembauche|promesse signee|"
                                     r"offre (?:d'emploi )?acceptee|"
                                     r"contrat signe pour|je commence (?:un|mon) (?:nouveau )?(?:poste|job|travail|cdi|cdd)|"
                                     r"(?:cdi|cdd|poste|contrat|embauche|embauchee|signe)\W+(?:[\w']+\W+){0,6}?(?:je |j'|il |elle |qui )"
                                     r"(?:commence|debute|demarre|commencerai|commencera|debuterai|debutera) "
                                     r"(?:le \d|le 1er|en (?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|"
                                     r"novembre|decembre)|lundi|mardi|mercredi|jeudi|vendredi|debut|la semaine prochaine|le mois prochain)|"
                                     r"(?:cdi|cdd) qui (?:commence|debute|demarre) (?:le|en|debut|lundi)"), True),
    ("mutation_recente", re.compile(r"(?:mutation|mute|mutee) (?:date|remonte|remontait) (?:de |a )?(?:plus d'(?:un|1) an|\d+ ans|"
                                    r"longtemps)|(?:mute|mutee) il y a (?:plus d'(?:un|1) an|longtemps|\d+ ans)"), False),
    ("mutation_recente", re.compile(r"(?<![\w])(?:mute|mutee|mutes|mutation)(?![\w])"), True),
    ("agent_contractuel", re.compile(r"contractuel|contractuelle|vacataire"), True),
    ("agent_contractuel", re.compile(r"titulaire de la fonction publique|fonctionnaire titulaire|titularise|titularisee|"
                                     r"(?<!co)(?<!co-)titulaire(?! du bail)"), False),
    ("nouvel_emploi_ou_mutation", re.compile(r"pas (?:lie|liee) (?:a|au) (?:mon |son )?(?:travail|boulot|emploi|job)|"
                                             r"(?:rien|aucun rapport) a voir avec (?:le|mon|son) (?:travail|boulot|emploi)|"
                                             r"pour (?:des )?raisons (?:personnelles|familiales)"), False),
    ("nouvel_emploi_ou_mutation", re.compile(r"(?:pour|suite a|a cause de|grace a) (?:mon|ma|un|une|son|sa|le|la|cette|ce) "
                                             r"(?:nouveau |nouvel |nouvelle )?(?:poste|job|boulot|travail|emploi|embauche|"
                                             r"mutation|cdi|cdd|alternance)|(?:mon|l') (?:entreprise|employeur|boite) "
                                             r"(?:demenage|a demenage|se delocalise)|nouveau (?:poste|boulot|job|travail)|"
                                             r"nouveau (?:taff|taf)|nouvel emploi|nouvelle embauche|(?:pour|pr) (?:ce|mon|le|un) (?:taf|taff|job|boulot|poste)"), True),
    ("evenement_difficulte", re.compile(r"impaye|impayes|retard(?:s)? de loyer|(?:mois|loyers?) (?:de loyer )?en retard|"
                                        r"mois de retard|dette(?:s)? (?:de loyer|locative)|de dette|expuls|separation|separe|"
                                        r"separee|divorc|perte d'emploi|perdu (?:mon|son|sa|leur) (?:emploi|travail|boulot|cdi|cdd|job|"
                                        r"poste)|(?:viens|vient|venons|viennent) de perdre|licenci|maladie|malade|hospitalis|deces|decede|sinistre|"
                                        r"incendie|brule|degat des eaux|inond|surendett|commandement de payer|huissier|"
                                        r"accident du travail|en arret|invalidite|liquidation|plus ensemble|"
                                        r"ne (?:vis|vit) plus avec|plus de (?:travail|boulot|job)|n'ai plus de (?:travail|boulot|job|emploi)|"
                                        r"ne peu[xt] plus (?:payer|assumer)|(?:paie|paye|payons|paient|payait) plus (?:mon |le |son |notre |leur )?loyer|"
                                        r"commandement de quitter|quitter les lieux|(?:met|mettre|mis|mise|mettent) (?:a la porte|dehors)|"
                                        r"violences?|(?:vient|viens) de (?:me|la|le|nous) quitter|m'a quittee?|(?:avons|ont|a) rompu|rupture|"
                                        r"conge pour (?:vente|reprise)|endette|dettes|"
                                        r"(?:perdu|perdue) (?:son|mon|sa|ma) (?:mari|femme|conjoint|conjointe|compagnon|compagne|epoux|epouse)"), True),
    ("urgence", re.compile(r"(?<![\w])(?:urgent|urgente|urgence|en urgence|au plus vite|demain|dans \d+ jours|"
                           r"cette semaine|expulsion (?:le|prevue|fixee)|date d'expulsion|dort dans (?:sa|la|une) voiture|"
                           r"dors dans (?:ma|la|une) voiture|dormons dans (?:notre|la|une) voiture|(?:dort|dors|dormir|dormons) dehors|"
                           r"a la rue|nulle? part ou (?:aller|dormir)|hebergee? en urgence|"
                           r"(?:expulsion|expulse|expulsee|dehors|quitter les lieux|quitter (?:le|son|mon|leur) logement(?: familial)?)"
                           r"\W+(?:[\w']+\W+){0,3}?(?:le \d{1,2}(?:er)?|d'ici (?:la fin|demain|\d+|quelques|peu)|avant le \d{1,2}|fin du mois|la semaine prochaine))"
                           r"(?![\w])"), True),
    ("bail_signe", re.compile(r"(?:bail|contrat de location) (?:est |a ete |a deja ete )?(?:deja )?signe(?! (?:par|dans|avant))|"
                              r"(?:j'ai|on a|nous avons|il a|elle a|ils ont|avons) (?:deja )?signe (?:le|mon|notre|un|son|leur) bail|"
                              r"signe le bail (?:hier|la semaine|le \d|lundi|mardi|mercredi|jeudi|vendredi|samedi|il y a)|"
                              r"bail en cours|(?<![\w])bail(?![\w])\W+(?:[\w']+\W+){0,8}?(?:je l'ai|on l'a|nous l'avons|il l'a|elle l'a|"
                              r"ils l'ont) (?:deja )?signe"), True),
    ("bail_signe", re.compile(r"avant de signer|pas encore signe(?! (?:le |mon |son |sa |ma )?(?:contrat|promesse))|(?:cherche|cherchons|cherchent|recherche|recherchons)"
                              r"(?![\w'])(?!\s+(?:encore |toujours |activement )?(?:du |un |une |d'|de l'|des |a )?(?:travail|emploi|demploi|boulot|taf|taff|job|stage|"
                              r"alternance|formation|poste|contrat|entreprise|patron|employeur|solution|aide|info|"
                              r"renseignement|savoir|comprendre|garant|colocataire|coloc)|\s*[,.;!?)]|\s*$)|en recherche de logement|"
                              r"(?:voudrais|voudrait|voulons|voulez|veut|veux|veulent|aimerais|aimerait|souhaite|souhaitons|"
                              r"souhaitent|compte|comptons|vais|allons|va|vont|doit|dois|devons|pense|pensons|envisage|"
                              r"envisageons|projette)\s+(?:bientot |ensemble |a deux )?(?:prendre|louer|signer|trouver|(?:un |une |mon |"
                              r"notre |son |leur )(?:(?:petit |grand |autre |nouvel |nouveau )?(?:appart\w*|logement|studio|t\d|f\d|"
                              r"maison|chambre|colocation|coloc|bail|location|hlm)))|signeront|signerons|signera|signerai|cherche a louer"), False),
    ("ile_de_france", re.compile(r"ile[\s-]de[\s-]france|(?<![\w])idf(?![\w])|region parisienne|banlieue parisienne"), True),
    ("ile_de_france", re.compile(r"(?<![\w])province(?![\w])|hors (?:ile[\s-]de[\s-]france|idf)"), False),
)
HOUSEHOLD_EVENT = re.compile(r"impaye|retard|mois|loyer|dette|de dette|expuls|commandement|huissier|incendie|brule|"
                             r"degat|inond|sinistre|ne peu")
COUPLE_TRUE = re.compile(r"en couple|on est (?:2|deux)(?! (?:sur|a signer|colocs?|colocataires|amis|amies|potes|freres|soeurs|copains|copines))|pacse|pacsee|marie|mariee|mariés|concubin|"
                         r"ma femme et moi|mon mari et moi|avec (?:mon|ma) (?:conjoint|conjointe|mari|femme|copain|copine|"
                         r"compagnon|compagne|epoux|epouse)|(?:vit|vivons|vivent|vis|on est|sommes|sont) ensemble|"
                         r"ensemble depuis|(?:recois|accompagne|suis|suivons|recevons|accompagnons|aide|aidons) (?:un|une|le|ce) (?:jeune )?"
                         r"couple|(?:un|le) (?:jeune )?couple (?:que|qui|de|x|[a-z]\.)|jeune couple|(?:m\.|mr|monsieur) et (?:mme|madame)|"
                         r"(?:mme|madame) et (?:m\.|mr|monsieur)")
COUPLE_FALSE = re.compile(r"(?<![\w])(?:celibataire|je vis seule?|vit seule?|vivant seule?|seule? avec (?:mes|mon|ma|son|sa|ses)|"
                          r"personne seule|seule?(?= ?[,.]| avec| et)|seule?$|mere seule|pere seul|mere isolee|pere isole|"
                          r"parent isole|separee?s?|divorcee?s?|veuve?|(?:vit|vivons|vis|vivent) plus ensemble|"
                          r"ne (?:vis|vit|vivons) plus avec|mon ex est parti|ma ex est partie|(?:mari|femme|epoux|epouse|conjoint|conjointe|"
                          r"compagnon|compagne) (?:est )?decedee?)(?![\w])")
# No housing allowance (« je n'ai pas d'APL », « APL 0 », « je ne touche plus l'aide au logement »).
NO_ALLOWANCE = re.compile(r"(?<![\w])(?:pas|plus|aucune?|sans|zero) (?:d'|de |l'|les |d')?(?:apl|als|aides? au logement|"
                          r"allocations? (?:de )?logement)(?![\w])|(?<![\w])(?:apl|als) (?:a |de )?(?:0|zero)(?![\w.,])")
# A couple that has just ended (« ma compagne vient de me quitter », « on a rompu »): no longer a couple.
BREAKUP = re.compile(r"(?:perdu|perdue) (?:son|mon|sa|ma) (?:mari|femme|conjoint|conjointe|compagnon|compagne|epoux|epouse)|"
                     r"(?:on n'est|on est|nous ne sommes|nous sommes|ils ne sont|ils sont) plus ensemble|"
                     r"(?:vient|viens) de (?:me|la|le) quitter|m'a quittee?|(?:avons|a|ont|on a) rompu|(?:mon|ma) ex (?:m'a|est|a) |"
                     r"(?:pas|plus) de (?:conjoint|conjointe|compagnon|compagne|copain|copine|mari|femme)(?![\w])|"
                     r"sans (?:etre )?en couple|(?:on est|on n'est|nous sommes|nous ne sommes|ils sont|ils ne sont) pas ensemble|"
                     r"on est pas ensemble|(?:vient|viennent|venons) de (?:se separer|divorcer)")
INDIVIDUAL_LEASE = re.compile(r"bail individuel|baux individuels|chacun (?:a |aura |aurons |auront )?son (?:propre )?bail|"
                              r"chacun son bail")
HOLDERS = re.compile(r"(?:(\d)|deux|trois|quatre) (?:(?:freres|soeurs|amis|amies|copains|copines|potes|personnes) )?"
                     r"(?:sur le (?:meme )?bail|colocs?|colocataires|a signer|titulaires)|"
                     r"colocation a (\d|deux|trois|quatre)|seule? sur (?:le|son|mon|notre) bail|je signe seule?|"
                     r"(?:moi|je) seule? (?:qui|ki) signe|(?:seule?|unique) titulaire|nos deux noms sur le bail|"
                     r"(?:on|nous|ils|elles) (?:sign\w*|va signer|vont signer) (?:tous |toutes )?(?:les |a )(?:deux|2)|"
                     r"les (?:deux|2) sign\w* (?:le|un|ce) bail|signer (?:a|tous les) (?:deux|2)|"
                     r"a deux sur le bail|(?:signe|signer|signons|signent) (?:le|un|notre) (?:meme )?bail (?:ensemble|a deux|"
                     r"avec (?:ma|mon) (?:copine|copain|conjointe?|compagne|compagnon|femme|mari|coloc\w*))|"
                     r"(?:allons|vont|va|on va) signer (?:le|un) meme bail|signer le meme bail")
WORD_NUMBERS = {"deux": 2, "trois": 3, "quatre": 4}
STUDENT_JOB = re.compile(r"job etudiant|petit boulot|job a cote|je bosse a cote|je travaille a cote|"
                         r"(?:en|un) stage de|travaille le week-end|contrat etudiant|cdd etudiant|etudiante? salariee?|"
                         r"job de \d+|baby-?sitting|\d+\s*h(?:eures?)?\s*(?:par|/|a la|la)\s*semaine|"
                         r"(?<![\w])(?:je |j|il |elle )(?:taff|taffe|bosse|travaille)(?: aussi)? (?:\d+\s*h|chez|a la|au|dans)")
STUDENT_NO_JOB = re.compile(r"(?:pas|aucun|sans|ni) (?:de |d')?(?:job|boulot|travail|emploi|revenus?|salaire)|"
                            r"(?<![\w])j(?:e |')?(?:ne |n')?(?:travaille|bosse|taf+e?) pas|ni salariee?")
NO_JOB = STUDENT_NO_JOB
# What a CCAS agent says about themself after « je » (their own job is not the person's).
AGENT_SELF = re.compile(r"\s*(?:suis |travaille |bosse |m'occupe |fais partie )?(?:\w+ ){0,2}(?:au |a la |dans (?:un|le) |"
                        r"du )?(?:ccas|cias|conseill|assistant|travailleu|referent|cesf|educat|intervenant|mission locale|"
                        r"service social|agent d'accueil|charge|depuis \d+ ans au)")
# A clause about rules or about someone in general (« faut-il être en CDI pour avoir Visale ? ») states no fact.
IF_CLAUSE = re.compile(r"(?<![\w'])(?:si|s'il|au cas ou|en cas d')\s+(?:[\w']+\s+){0,3}[\w']*$")
HYPOTHETICAL = re.compile(r"(?<![\w'])(?:faut[\s-]il|faut il|(?:il )?faut (?:obligatoirement |forcement |absolument |deja )?(?:etre|avoir|un|une|des)|(?:est[\s-]il|c'est) (?:obligatoire|necessaire|indispensable)|(?:dois|doit|devons|doivent)[\s-](?:je |on |il |elle )?(?:etre|avoir)|si (?:(?:je|on|il|elle|la personne)\s+|j')"
                          r"(?:suis|est|etait|avait|ai|a|gagne|travaille)|est[\s-]ce qu'(?:un|une|il faut)|"
                          r"(?:un|une) (?:salarie|salariee|personne|etudiant|etudiante|alternant|alternante) (?:peut|doit|a)|"
                          r"les (?:salaries|etudiants|alternants|fonctionnaires|cdd|cdi) (?:peuvent|ont|doivent)|"
                          r"c'est quoi|qu'est[\s-]ce qu(?:e|'un|'une)|quel(?:le)?s? (?:est|sont) (?:le|la|les) (?:plafond|montant|"
                          r"delai|duree|condition|regle)|reserve(?:e|s)? aux|(?:les |aux )?(?:moins|plus) de \d+ ans)(?![\w'])")
# A question about a rule, a word or the weather states no yes/no fact of the person.
RULE_QUESTION = re.compile(r"(?<![\w'])(?:difference entre|(?:couvre|rembourse|prend en charge|dure|faut) combien|"
                           r"combien de (?:mois|temps) (?:d'impayes|de loyers?|couvre|faut|dure)|quel temps|meteo|"
                           r"ca veut dire quoi|que veut dire|que signifie|ca signifie quoi)(?![\w'])")
# A brand named as the employer (« CDI chez Decathlon », « alternance chez Airbus »): a private company.
BRAND_EMPLOYER = re.compile(r"(?:cdi|cdd|alternance|apprenti\w*|contrat \w+|bosse|travaille|taff\w*|employ\w+|vendeu\w+|"
                            r"caissi\w+|stage|job|embauch\w*|salari\w+|mission)\W+(?:[\w'’]+\W+){0,7}?chez\s+"
                            r"(?!moi|lui|elle|eux|nous|vous|ma |mon |mes |un |une |des |le |la |les )([A-Z][\w&'’-]+)",
                            re.I)
# A job that has not started yet (« je commence le 11 janvier un CDD ») is not the person's situation now.
FUTURE_JOB = re.compile(r"(?<![\w'])(?<!ai )(?<!a )(?<!avons )(?<!as )(?<!j'ai )(?:je |j'|il |elle |on )?(?:vais |va )?"
                        r"(?:commence|commencer|debute|debuter|demarre|demarrer|commencera|debutera)(?![\w'])|promesse d'embauche|promesse dembauche|pars a la retraite dans|"
                        r"partir a la retraite|prendre (?:ma|sa) retraite")
LOCATION_PREP = re.compile(r"(?:(?<![\w])(?:a|sur|vers|dans|de|d'|pres de|proche de|pour|en|sur la commune de|"
                           r"ville de)\s+|->\s*|→\s*|>\s*)$")
HOME_CUE = re.compile(r"(?:logement|appart|appartement|studio|t\d|f\d|maison|location|loyer|habite|habiter|vis|vit|vivre|"
                      r"vivons|cherche|chercher|louer|emmenag|demenag|installer|installe|s'installer|partir|aller|"
                      r"arrive|arriver|bail|visale|residence|reside|resider|hlm)\W*(?:\w+\W+){0,3}$")
WORK_CUE = re.compile(r"(?:travaille|bosse|boulot|travail|poste|job|embauche|embauchee|mute|mutee|employe|employee|"
                      r"cdi|cdd|stage|alternance|formation|ecole|fac|etudes|entreprise|boite|agence)\W*(?:\w+\W+){0,2}$")
# A commune named for work, studies, the agent's CCAS or a temporary lodging is not the dwelling's.
NOT_HOME_CUE = re.compile(r"(?:ccas|cias|mairie|chu|hopital|centre hospitalier|clinique|college|lycee|ecole|universite|fac|"
                          r"pharmacie|startup|start-up|cabinet|domaine|exploitation|labo|laboratoire|resto|hotel|"
                          r"campus|iut|salon|restaurant|brasserie|boulangerie|usine|site|magasin|supermarche|agence|"
                          r"entreprise|boite|societe|garage|ehpad|banque|travaille|bosse|taff|job|poste|stage|employe|"
                          r"embauche|embauchee|en l\d|en m\d|master|licence|but|bts|etudes|heberge|hebergee|dors chez|"
                          r"chez (?:ma|mon|un|une|des|mes)|mission locale|ville de|commune de|departement|service)"
                          r"\W*(?:[\w'-]+\W+){0,3}(?:a|au|de|d'|du|sur|en)?\s*$")
# A relative one writes for (« c'est pour mon fils, il a 17 ans »): the person whose situation is checked.
KIN = re.compile(r"(?:ma|mon) (?:fille|fils|soeur|frere|mere|pere|neveu|niece|petit-fils|petite-fille)")
FOR_RELATIVE = re.compile(r"(?<![\w'])(?:c'est |c |cest |je (?:demande|fais la demarche|me renseigne|ecris) )?(?:pour|pr) "
                          + KIN.pattern + r"(?![\w])")
# The same within the commune's own clause: where one works, the agent's sector, a weather question
# (« une PME de 60 salariés à Clermont », « en alternance à Orléans », « CDD chez Lidl à Agen »).
WORKPLACE_CUE = re.compile(r"(?<![\w])(?:salaries|employes|alternance|apprentissage|cdi|cdd|interim|mission|ferme|cooperative|"
                           r"(?:cdi|cdd|mission|contrat|bosse|travaille|vendeu\w+|caissi\w+) chez [\w'-]+|"
                           r"de secteur|conseill\w+|action logement|temps|meteo|fait-il|fera)"
                           r"\W*(?:[\w'-]+\W+){0,3}(?:a|au|de|d'|du|sur|en)?\s*$")
# An agent describing two people of a household, and saying which one makes the request.
COUPLE_DESCRIBED = re.compile(r"(?<![\w])(?:couple|famille|foyer|menage|m\. et mme|mr et mme|monsieur et madame|"
                              r"madame et monsieur|mme et m\.)(?![\w])")
APPLICANT = re.compile(r"c'est (madame|monsieur|mme|m\.|mr|elle|lui) qui (?:[\w']+ ){0,6}?(?:fait|fera|depose|deposera|signe|"
                       r"demande|porte|est (?:la )?(?:seule? )?titulaire)")
# Where the person lived before a move (« j'habitais à Autun », « je viens de Brest », « je quitte Nice »),
# and where they live now, which is the former home when the message names the new one.
PREVIOUS_CUE = re.compile(r"(?:habitais|habitait|habitions|etais|etait|vivais|vivait|viens de|vient de|venons de|viennent de|"
                          r"jvien de|jviens de|je viens d'|"
                          r"arrive de|arrivons de|arrivant de|quitte|quitter|quittons|quittent|originaire d|"
                          r"en provenance d)\W*(?:[\w'-]+\W+){0,2}$")
# The former home named with its people or kind (« j'habitais chez mon père à Bourg », « elle vient de quitter
# le domicile de sa mère à Tulle », « à 75 km de chez mes parents à Auch », « ancien logement à Laval »,
# « je pars de Brest », « je déménage d'Albi »).
_OWNER = r"(?:mes|mon|ma|sa|son|ses|leur|leurs|notre|nos)\s+[\w'-]+"
PREVIOUS_HOME = re.compile(
    r"(?:(?:habitais|habitait|habitions|vivais|vivait|vivions|etais|etait|quitte|quitter|quittons|quittent|(?:de|depuis) chez)"
    r"\W+(?:(?:chez|au domicile de|le domicile de|la maison de)\s+" + _OWNER + r"\s+|"
    r"(?:le |la |l')\s*(?:domicile|maison|logement|appartement|appart|foyer)\s+(?:familial|familiale|conjugal|parental|"
    r"de " + _OWNER + r")\s+|" + _OWNER + r"\s+|(?:moi|lui|elle|nous|eux)\s+)?(?:a|au|en|sur)|"
    r"ancien (?:logement|appartement|appart|domicile)\s+(?:a|au|en|sur)|"
    r"(?:pars|part|partons|partent|demenage|demenagee?|demenageons|demenagent)\s+(?:de|d'|du))\s*$")
LIVES_NOW = re.compile(r"(?<![\w'])(?:je vis|on vit|il vit|elle vit|nous vivons|j'habite|jhabite|on habite|il habite|elle habite|"
                       r"nous habitons|vis encore|habite encore|habite actuellement|vis actuellement|loge|"
                       r"je reside|il reside|elle reside)(?![\w])\W*(?:[\w'-]+\W+){0,5}$")
MOVE_FROM_TO = re.compile(r"(?:de|depuis|quitte|quitter|quittons)\s+(.{2,40}?)\s+(?:a|pour|vers|->|→|>)\s+(.{2,40})")
STUDY_PLACE = re.compile(r"ecole|fac|universite|lycee|college|iut|institut")
STUDENT_BEFORE = re.compile(r"etudiante?s?\W+(?:[\w']+\W+){0,3}$")
SENTENCE_START = re.compile(r"(?:^|[.!?:;(\n]|\s-)\s*$")
AMBIGUOUS_COMMUNES = {"nice", "tours", "orange", "sens", "vire", "aix", "pau", "dole", "mars", "ville"}


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _last(matches, offset: int) -> int:
    """Where the last of `matches` ends (plus `offset`, to compare windows that end at the same place), or -1."""
    ends = [m.end() + offset for m in matches]
    return ends[-1] if ends else -1


def _months_between(earlier: dt.date, later: dt.date) -> float:
    return round((later - earlier).days / 30.44, 1)


class SituationReader:
    """Reads the facts of messages; one instance holds the lexicon and the communes."""

    def __init__(self, lexicon: Lexicon, communes: Optional[Communes] = None, normalizer=None):
        self.lexicon = lexicon
        self.communes = communes
        self.normalizer = normalizer

    @classmethod
    def from_knowledge(cls, knowledge: Path) -> "SituationReader":
        from bot.situation.geography import load_communes
        from bot.situation.lexicon import load_lexicon
        import yaml

        from bot.nlu.normalize import TextNormalizer
        normalizer = None
        lexique = Path(knowledge) / "lexique.yml"
        if lexique.is_file():  # the same SMS words the NLU normalises (validated by `make validate`)
            data = yaml.safe_load(lexique.read_text(encoding="utf-8")) or {}
            normalizer = TextNormalizer({str(k): str(v) for k, v in (data.get("abreviations") or {}).items()},
                                        data.get("variantes") or {})
        return cls(load_lexicon(Path(knowledge)), load_communes(str(knowledge)), normalizer)

    # -- entry point -------------------------------------------------------------------------------------

    def read(self, text: str, today: Optional[dt.date] = None, staff: bool = False) -> Reading:
        today = today or dt.date.today()
        original = text or ""
        normalised = self.normalizer.normalize(original) if self.normalizer else original
        normalised = re.sub(r"(\d)\s*k\s*(\d+)(?!\d|[.,]\d)", r"\1.\2k", normalised)  # 2k5 / 1k8 -> 2.5k / 1.8k
        normalised = re.sub(r"(?<=\d)(?=(?:net|nets|brut|bruts|cc|hc)(?![\w]))", " ", normalised, flags=re.I)  # 1600net
        with_digits = digits(normalised)
        folded = plain(with_digits)
        folded = re.sub(r"(\d)k(\d)", lambda m: f"{m.group(1)}.{m.group(2)}k", folded)
        for_relative = not staff and bool(FOR_RELATIVE.search(folded))
        markers = self._markers(folded, staff or for_relative)
        third = for_relative or staff and any(m.subject == PERSONNE and m.gender for m in markers) or bool(
            staff and not re.search(r"(?<![\w'])(?:je|moi|mon|ma|mes)(?![\w'])|(?<![\w'])j'", folded))
        found: List[ReadFact] = []
        found += self._quantities(folded, markers, today)
        found += self._words(folded, markers, with_digits)
        found += self._communes(with_digits, folded)
        found += self._household(folded)
        found += self._unknowns(folded, markers)
        found = [f for f in found if allowed(f.subject, f.name)]  # drops the agent's own facts
        return Reading(_moving_for_the_job(self._dedupe(found), folded), third_person=third)

    # -- subjects ----------------------------------------------------------------------------------------

    def _markers(self, folded: str, staff: bool) -> List[_Marker]:
        markers: List[_Marker] = []
        taken: List[Tuple[int, int]] = []
        for name in ("conjoint", "personne_decrite", "moi"):
            pattern = self.lexicon.subjects.get(name)
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                if any(s <= match.start() < e for s, e in taken):
                    continue
                subject = CONJOINT if name == "conjoint" else PERSONNE
                if name == "moi" and staff:
                    # a CCAS agent's « je » speaks of the agent (« je travaille au CCAS »), or of following
                    # someone (« que je suis », « j'accompagne »): never of the person described
                    if not AGENT_SELF.match(folded[match.end():match.end() + 40]):
                        taken.append(match.span())
                        continue
                    subject = AGENT
                if name == "personne_decrite" and not staff and KIN.fullmatch(match.group(0)):
                    continue
                taken.append(match.span())
                markers.append(_Marker(match.start(), match.end(), subject,
                                       self.lexicon.gender.get(match.group(0), "")))
        # pronouns: « il / elle / lui » refer to the partner in a first-person message, else to the person
        # of the same gender described by the agent
        for match in re.finditer(r"(?<![\w'])(il|elle|lui)(?![\w'])(?! y a)(?! faut)(?! fait)(?! reste)(?! parait)(?!-meme)", folded):
            if any(s <= match.start() < e for s, e in taken):
                continue
            gender = "f" if match.group(1) == "elle" else "m"
            before = [m for m in markers if m.end <= match.start()]
            subject = None
            same_gender = [m for m in before if m.gender == gender and m.subject in (PERSONNE, CONJOINT)
                           and not (m.subject == PERSONNE and m.gender == "" )]
            first_person = re.search(r"(?<![\w'])(?:je|moi|mon|ma|mes|jai|chui|jsuis|g)(?![\w'])|(?<![\w'])j'", folded)
            if same_gender:
                subject = same_gender[-1].subject
            elif any(m.subject == CONJOINT for m in before):
                subject = CONJOINT
            elif staff:
                subject = PERSONNE
            elif first_person and (match.group(1) == "lui" or COUPLE_TRUE.search(folded) or HOLDERS.search(folded)
                                   or re.search(r"(?<![\w'])moi(?![\w'])", folded)):
                subject = CONJOINT  # « lui : CDI, moi : rien »: the other person of a first-person message
            # else « ma période d'essai… elle se termine fin janvier »: no one else was spoken of
            if subject:
                markers.append(_Marker(match.start(), match.end(), subject, gender, pronoun=True))
        for match in re.finditer(r"(?<![\w'])(?:elle|lui)-meme(?![\w])", folded):
            # « la personne est en couple avec un militaire. Elle-même a 27 ans »: the person spoken of first
            if staff and any(m.subject == PERSONNE for m in markers if m.end <= match.start()):
                markers.append(_Marker(match.start(), match.end(), PERSONNE, "f" if match.group(0).startswith("e") else "m",
                                       pronoun=True))
        markers.sort(key=lambda m: m.start)
        return self._couple_described(folded, markers) if staff else markers

    @staticmethod
    def _couple_described(folded: str, markers: List[_Marker]) -> List[_Marker]:
        """An agent describing a couple (« monsieur … ; madame … », « le couple : lui …, elle … »): the
        person is the one who makes the request (« c'est madame qui fait la demande »), else the first
        described; the other is the partner."""
        described = [m for m in markers if m.subject == PERSONNE and m.gender]
        genders = {m.gender for m in described if not m.pronoun}
        couple_word = COUPLE_DESCRIBED.search(folded)
        if len({m.gender for m in described}) < 2 or (len(genders) < 2 and not couple_word):
            return markers
        applicant = APPLICANT.search(folded)
        first = "f" if applicant and applicant.group(1) in ("madame", "mme", "elle") else \
            "m" if applicant else described[0].gender
        return [replace(m, subject=CONJOINT) if m.subject == PERSONNE and m.gender and m.gender != first else m
                for m in markers]

    @staticmethod
    def _subject_at(position: int, folded: str, markers: Sequence[_Marker]) -> Tuple[str, float]:
        """The subject spoken of just before `position` in its sentence (else in the message), and how sure."""
        sentence_start = 0
        for match in SENTENCE.finditer(folded[:position]):
            sentence_start = match.end()
        before = [m for m in markers if m.end <= position]
        in_sentence = [m for m in before if m.start >= sentence_start]
        after = [m for m in markers if position <= m.start <= position + 14
                 and re.match(r"^\s*(?:€|e|euros?|net|brut)?\s*(?:pour|chacun|de|\()?\s*$", folded[position:m.start])
                 is not None and m.subject != PERSONNE or (position <= m.start <= position + 12 and
                 re.match(r"^[\w\s€]*\bpour\s*$", folded[position:m.start]) is not None)]
        if after:
            return after[0].subject, SURE
        if in_sentence:
            return in_sentence[-1].subject, SURE
        before = [m for m in before if m.subject != AGENT]  # the agent's « je » speaks only in its own sentence
        if before:
            return before[-1].subject, SURE
        return PERSONNE, SURE

    # -- quantities --------------------------------------------------------------------------------------

    def _quantities(self, folded: str, markers, today: dt.date) -> List[ReadFact]:
        facts: List[ReadFact] = []
        used: List[Tuple[int, int]] = []

        def free(start: int, end: int) -> bool:
            return not any(s < end and start < e for s, e in used)

        def add(name: str, value, position: int, confidence: float = SURE, subject: Optional[str] = None,
                span: Optional[Tuple[int, int]] = None) -> None:
            if subject is None:
                subject, sure = (MENAGE, SURE) if subject_of(name) == MENAGE else self._subject_at(position, folded,
                                                                                                   markers)
                confidence = min(confidence, sure)
            if allowed(subject, name) and not self._hypothetical(folded, position):
                facts.append(ReadFact(subject, name, value, confidence, position))
            if span:
                used.append(span)

        for match in CONTRACT_LENGTH.finditer(folded):
            months = _num(match.group(1)) * (12 if match.group(2).startswith("an") else 1)
            if match.group(2).startswith("semaine"):
                months = round(_num(match.group(1)) / 4.33, 1)
            add("duree_contrat_mois", months, match.start(), span=match.span(1))
        for match in CONTRACT_YEAR.finditer(folded):
            add("duree_contrat_mois", 12.0, match.start(), span=match.span())
        for match in YEARS_DURATION.finditer(folded):
            if not free(*match.span(1)):
                continue
            unit = match.group(2)
            value = _num(match.group(1)) + (0.5 if match.group(3) else 0)
            months = value * 12 if unit.startswith("an") else value if unit == "mois" else round(
                value / 4.33, 1) if unit.startswith("semaine") else round(value / 30.44, 1)
            context = folded[max(0, match.start() - 60):match.end() + 40]
            self._duration(add, months, match, folded, context)
            used.append(match.span(1))
        self._dates(add, folded, today, used)
        for match in AGE.finditer(folded):
            group = 1 if match.group(1) else 2  # « j'en ai 28 » or « 28 ans »
            if not free(*match.span(group)):
                continue
            age = int(match.group(group))
            before = folded[max(0, match.start() - 16):match.start()]
            if re.search(r"(?<![\w'])(?:mes|ses|nos|leurs)\s*$", before) or re.search(
                    r"(?<![\w'])(?:n'ai|n'a|ai|a|avons) pas\s*$|(?<![\w'])pas\s*$", before):
                used.append(match.span(group))  # « depuis mes 62 ans », « je n'ai pas 25 ans »: not the age now
                continue
            if group == 2 and re.search(r"(?<![\w])(?:cdi|contrat|anciennete|experience|carriere) de\s*$", before):
                used.append(match.span(group))  # « un CDI de 15 ans »: the time in the job, not the age
                if "cdi" in before or "anciennete" in before:
                    add("anciennete_emploi_mois", float(age * 12), match.start(), span=match.span(group))
                continue
            if group == 2 and folded[match.end(2):match.end()].strip() == "a" and re.search(
                    r"(?<![\w])(?:le|du|dans le|ds le|au|dpt|departement)\s*$", before):
                used.append(match.span(group))  # « dans le 93 à Bobigny »: a département, not « 93 a(ns) »
                continue
            if 14 <= age <= 99:
                add("age", age, match.start(), span=match.span(group))
        for match in list(HEADCOUNT.finditer(folded)) + list(COMPANY_OF.finditer(folded)):
            if free(*match.span(1)):
                add("taille_entreprise", int(match.group(1)), match.start(), span=match.span(1))
        for match in DISTANCE.finditer(folded):
            if free(*match.span(1)):
                add("distance_km", _num(match.group(1)), match.start(), span=match.span(1))
        for match in TRAVEL.finditer(folded):
            if not free(*match.span()) or re.search(r"(?:a|vers|avant|apres|de|des|jusqu'a)\s*$", folded[:match.start()]):
                continue
            if match.group(3):
                minutes = int(match.group(3))
            else:
                minutes = int(match.group(1)) * 60 + int(match.group(2) or 0)
            context = folded[max(0, match.start() - 50):match.end() + 30]
            if re.search(r"trajet|route|transport|train|voiture|bus|de chez|d'ici|aller|rer|metro|tram|de l'ancien|"
                         r"loin|distance|minutes? de|h de|heures? de", context):
                add("duree_trajet_min", float(minutes), match.start(), span=match.span())
        self._amounts(add, folded, used, markers)
        self._ages_in_enumeration(facts, folded, markers)
        return facts

    def _duration(self, add, months: float, match, folded: str, context: str) -> None:
        """« depuis 3 ans », « il y a 2 mois »: the job or the dwelling, whichever is spoken of nearest before
        (else right after: « depuis 4 mois dans ce logement »)."""
        before = folded[max(0, match.start() - 70):match.start()]
        before = before[max([m.end() for m in SENTENCE.finditer(before)] + [0]):]  # its own sentence only
        after = folded[match.end():match.end() + 30]
        if MUTATION_CONTEXT.search(before[-40:]) or MUTATION_CONTEXT.search(after[:20]):
            add("mutation_recente", months <= 6, match.start())
            return
        if NOT_TENURE.search(before[-45:]) or COUPLE_TIME.search(before[-25:]):
            return
        housing = [m.end() for m in HOUSING_CONTEXT.finditer(before)]
        signed = [m.end() for m in re.finditer(r"(?<![\w])bail(?![\w])", before)]
        if match.group(0).startswith("depuis"):  # « bail signé depuis 5 mois »: living there
            housing += signed
        job = [m.end() for m in JOB_CONTEXT.finditer(before)]
        if signed and signed[-1] > max(housing + job + [-1]):
            # « bail signé il y a 30 mois »: most likely the time in the dwelling, to be confirmed; never the job's
            if months >= 1:
                add("mois_depuis_entree_logement", months, match.start(), WEAK)
            return
        if housing or job:
            if (housing[-1] if housing else -1) > (job[-1] if job else -1):
                add("mois_depuis_entree_logement", months, match.start())
            else:
                add("anciennete_emploi_mois", months, match.start())
            return
        if re.match(r"\s*(?:dans|ds) (?:ce |le |mon |notre |l'|cet )(?:logement|appart|appartement|studio|maison|t\d)|"
                    r"\s*(?:qu'on habite|que j'habite|qu'on vit|que je vis|que (?:je suis|chui|jsuis|j'suis|on est|nous "
                    r"sommes|il est|elle est) (?:dans|ds) (?:ce |le |mon |notre |l'|cet |son |sa )?(?:logement|appart|"
                    r"appartement|studio|maison|t\d))", after):
            add("mois_depuis_entree_logement", months, match.start())
        elif JOB_CONTEXT.search(after[:25]):
            add("anciennete_emploi_mois", months, match.start())

    def _dates(self, add, folded: str, today: dt.date, used) -> None:
        found = []
        for match in DATE.finditer(folded):
            day = 1 if match.group(1) in ("1er", "premier") else int(match.group(1))
            month = MONTHS_FR[match.group(2)]
            year = int(match.group(3)) if match.group(3) else None
            found.append((match, day, month, year))
        for match in MONTH_ONLY.finditer(folded):
            if any(m.start() <= match.start() < m.end() for m, *_ in found):
                continue
            found.append((match, 1, MONTHS_FR[match.group(1)], int(match.group(2)) if match.group(2) else None))
        starts = {}  # "bail" / "contrat": the date the lease or the work-study contract starts
        previous = None  # (end, year shift) of the date before
        for match, day, month, year in sorted(found, key=lambda f: f[0].start()):
            try:
                date = dt.date(year or today.year, month, min(day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31))
            except ValueError:
                continue
            before = folded[max(0, match.start() - 60):match.start()]
            # « j'emménage début janvier », « je commence le 5 » speak of what comes; « depuis », « j'ai
            # emménagé », « embauchée en octobre » of what is past: an unqualified date is the next or the
            # last one accordingly.
            past = _last(re.finditer(r"depuis|(?<![\w])(?:ai|avons|ont|suis|sommes|sont|(?:il|elle|on|qui|j') ?(?:a|est)) "
                                     r"(?:\w+ )?(?:emmenage|entre|installe|arrive|commence|embauche|signe|demenage|demarre|debute|pris effet)|"
                                     r"(?<![\w])(?<!promesse d')(?<!promesse d)embauche|le mois dernier|il y a",
                                     before[-60:]), 0)
            future = _last(re.finditer(r"(?:j'|je |j|on |nous |il |elle )(?:vais |va |allons )?(?:emmenage|entre|rentre|"
                                       r"m'installe|s'installe|demenage|commence|debute|signe|arrive)|prochain|bientot|"
                                       r"promesse|a partir du|a compter du|prevue? (?:le|pour|au|en|debut)|pas encore|(?:me|le|la|nous) mute(?:nt)?|"
                                       r"(?<![\w])(?<!a )(?<!ai )(?<!est )(?<!ont )(?<!avons )(?:commence|debut|debute|demarre|"
                                       r"commencera|debutera|prend effet)(?: (?:le|au|en|debut|a partir))?\s*$", before[-60:]), 0)
            elided = previous is not None and re.fullmatch(r"\s*(?:,|et)\s*(?:[\w']+\s+){0,4}?(?:le\s+|en\s+)?",
                                                             folded[previous[0]:match.start()])
            if year is None and elided:  # « le bail démarre le 1er mars et le contrat le 1er mai »: the same tense
                date = date.replace(year=today.year + previous[1])
            elif year is None and future > past and date < today:
                date = date.replace(year=today.year + 1)
            elif year is None and past > future and date > today:
                date = date.replace(year=today.year - 1)
            previous = (match.end(), date.year - today.year)
            months = _months_between(date, today) if date <= today else 0.0
            starting = START_OF.search(before[-45:])
            if starting:
                starts.setdefault("bail" if starting.group(1) == "bail" else "contrat", (date, match.start()))
            if re.search(r"jusqu'|fin de|termine|finit|expire|(?:avant|apres) le", before[-25:]) or NOT_TENURE.search(
                    before[-45:]):
                pass
            elif re.search(r"emmenag|demenag|entre(?:e|es|s)? dans|installe|arrive|dans (?:l'|le |mon )(?:appart|logement)|"
                           r"locataire|dans les lieux|l'entree", before[-45:]) and not re.search(
                               r"entreprise|employeur|boite|societe|site|agence|usine", before[-60:]):
                add("mois_depuis_entree_logement", months, match.start())
            elif date <= today and JOB_CONTEXT.search(before[-50:]):
                add("anciennete_emploi_mois", months, match.start())
            used.append(match.span())
        if len(starts) == 2:  # « bail au 1er janvier, contrat d'apprentissage au 1er février »: one month apart
            (lease, _), (contract, position) = starts["bail"], starts["contrat"]
            gaps = [abs(_months_between(lease, contract.replace(year=contract.year + shift)))
                    for shift in ((-1, 0, 1) if not re.search(r"20\d\d", folded) else (0,))
                    if not (contract.month == 2 and contract.day == 29)]
            add("ecart_bail_contrat_mois", min(gaps), position)  # years unsaid: the two nearest dates
        for gap in LEASE_GAP.finditer(folded):  # « son bail démarre 2 mois avant son contrat »
            value = _num(gap.group(1))
            add("ecart_bail_contrat_mois", round(value / 4.33, 1) if gap.group(2).startswith("semaine") else value,
                gap.start())
        for pattern, months in RELATIVE:
            for match in pattern.finditer(folded):
                before = folded[max(0, match.start() - 50):match.start()]
                if re.search(r"emmenag|demenag|entre(?:e|es|s)? dans|installe|arriv", before):
                    add("mois_depuis_entree_logement", months, match.start())
                elif re.search(r"embauch|commence|debut", before):
                    add("anciennete_emploi_mois", months, match.start())

    def _amounts(self, add, folded: str, used, markers) -> None:
        candidates = []
        for match in AMOUNT.finditer(folded):
            start, end = match.span(1)
            if any(s < end and start < e for s, e in used):
                continue
            value = _num(match.group(1))
            thousands, currency = match.group(2), match.group(3)
            if thousands:
                value *= 1000
            elif value < 20 and not currency:
                continue
            if not (thousands or currency) and (value < 50 or value > 30000):
                continue
            after = folded[match.end():match.end() + 12]
            if re.match(r"\s*(?:ans|an|mois|km|min|h\b|heures?|salaries|employes|personnes|jours|semaines|%|m2|m²)", after):
                continue
            if re.search(r"(?:rue|avenue|bd|boulevard|code|n°|numero|dpt|departement|dans le|le)\s*$", folded[:start]) \
                    and not currency:
                continue
            if re.search(r"(?<![\w])entre\s*$|(?<![\w])entre\s+\d+(?:[.,]\d+)?\s*(?:€|e|euros?)?\s+et\s*$", folded[max(0, start - 30):start]):
                continue  # « entre 10 et 100 € par mois »: a range asked about, nobody's amount
            candidates.append((match, value, bool(thousands or currency)))
        previous_role = None
        for index, (match, value, explicit) in enumerate(candidates):
            role = self._role(folded, match, [c[0] for c in candidates], index)
            confidence = SURE
            if role is None:
                role = self._role(folded, match, [c[0] for c in candidates], index, WEAK_ROLE_CUES)
                confidence = WEAK if role else SURE
            subject = None
            if role is None and previous_role and re.search(
                    r"(?:et|,|/|moi|lui|elle|mon|ma|son|sa)\W*(?:\w+\W+){0,3}$", folded[max(0, match.start() - 30):match.start()]):
                role = previous_role                                   # « 3000 et moi 1200 »: same role
                first = candidates[index - 1][0]
                if role in PARTNER_AMOUNTS and re.fullmatch(r"\s*(?:€|e|euros?|net)?\s*(?:et|,|/)\s*", folded[first.end():match.start()]) \
                        and PLURAL_EARNERS.search(folded[max(0, first.start() - 30):first.start()]):
                    subject = CONJOINT  # « on gagne 3000 et 1200 »: the first the person's, the second the partner's
            if role is None and value >= 300 and value < 10000:
                role, confidence = self._income_after_job(folded, match)
            if role is None:
                continue
            if role.startswith("_"):
                previous_role = role
                continue
            if role in PARTNER_AMOUNTS and subject is None and COMBINED.match(folded[match.end():match.end() + 30]):
                previous_role = role
                continue  # « on gagne 2 700 à deux »: the couple's income, nobody's own
            if role == "loyer_charges_comprises":
                charges = re.match(r"\s*(?:€|e|euros?)?\s*(?:hors charges|hc)\s*(?:\+|et|plus)\s*(\d+(?:[.,]\d+)?)\s*(?:€|e|euros?)?"
                                   r"\s*(?:de )?charges", folded[match.end():match.end() + 45])
                if charges:  # « 700 hors charges + 60 de charges »: the rent with its charges
                    value += _num(charges.group(1))
                    used.append((match.end(), match.end() + charges.end()))
            if YEARLY.search(folded[match.end():match.end() + 16]) or YEARLY_BEFORE.search(
                    folded[max(0, match.start() - 40):match.start()]):
                value = round(value / 12, 2)
            if not explicit and role != previous_role and not self._cue_near(folded, match, role):
                confidence = min(confidence, WEAK)
            add(role, value, match.start(), confidence, subject=subject, span=match.span(1))
            previous_role = role

    @staticmethod
    def _income_after_job(folded: str, match) -> Tuple[Optional[str], float]:
        """A bare amount right after a contract (« cdi 1700 », « en intérim 1 500 ») is what the person earns;
        one standing alone in its clause after a job described (« CDI dans une banque, 2 400 ; moi… ») most
        likely too, to be confirmed."""
        before = folded[max(0, match.start() - 40):match.start()]
        if CONTRACT_BEFORE.search(before):
            return "revenu_mensuel_net", SURE
        clause_start = max([m.end() for m in re.finditer(r"[,;:.!?\n()]", before)] or [0])
        alone = not re.search(r"[\w]", before[clause_start:].replace("moi", "").replace("lui", "").replace("elle", ""))
        sentence = re.split(r"[.;!?\n]", folded[:match.start()])[-1]
        after = re.split(r"[,;:.!?\n()]", folded[match.end():match.end() + 30])[0]
        if alone and not re.search(r"[\w]", re.sub(r"(?<![\w])(?:pour (?:moi|lui|elle)|chacun)(?![\w])", "", after)) \
                and JOB_CONTEXT.search(sentence) and not HOUSING_WORDS.search(sentence[-60:]):
            return "revenu_mensuel_net", WEAK
        return None, SURE

    @staticmethod
    def _cue_near(folded: str, match, role: str) -> bool:
        window = folded[max(0, match.start() - 25):match.end() + 20]
        return any(r == role and p.search(window) for r, p in ROLE_CUES)

    @staticmethod
    def _role(folded: str, match, all_matches, index, cues: Sequence[Tuple[str, re.Pattern]] = ROLE_CUES) -> Optional[str]:
        """The fact an amount belongs to: its cue word right before it (« loyer 450 »), or right after it
        (« 450 de loyer », « 1900 net »), within its clause and without crossing another amount."""
        clause_start = 0
        for boundary in re.finditer(r"[,;:.!?\n()]|(?<![\w])(?:et|mais)(?![\w])", folded[:match.start()]):
            clause_start = boundary.end()
        prev_end = all_matches[index - 1].end() if index else 0
        before = folded[max(clause_start, prev_end, match.start() - 40):match.start()]
        next_start = all_matches[index + 1].start() if index + 1 < len(all_matches) else len(folded)
        after = folded[match.end():min(next_start, match.end() + 28)]
        after = re.split(r"[,;:.!?\n]|(?<![\w])(?:et|mais)(?![\w])", after)[0]
        best_before, gap_before = None, None
        for role, pattern in cues:
            for cue in pattern.finditer(before):
                gap = len(before) - cue.end()
                if gap_before is None or gap < gap_before:
                    best_before, gap_before = role, gap
        best_after, gap_after = None, None
        for role, pattern in cues:
            cue = pattern.search(after)
            if cue and (gap_after is None or cue.start() < gap_after):
                best_after, gap_after = role, cue.start()
        explicit_after = best_after is not None and re.match(r"\s*(?:€|e|euros?|k)?\s*(?:de |d'|d(?=apl|als)|net|brut)", after)
        if best_before is None and best_after is None and not before.strip() and clause_start:
            # « un T1 à Brétigny, 680 € »: the amount stands alone after the clause that names it
            previous = folded[max(prev_end, clause_start - 40):max(0, clause_start - 1)]
            for role, pattern in cues:
                if role == "loyer_charges_comprises" and pattern.search(previous):
                    best_before, gap_before = role, 0
        if explicit_after:
            best = best_after
        elif best_before is not None and (gap_before <= 2 or best_after is None or gap_before <= gap_after + 3):
            best = best_before
        else:
            best = best_after if best_after is not None else best_before
        if best == "loyer_charges_comprises" and DEBT_BEFORE.search(before):
            best = "_dette"  # « une dette de loyer de 2 100 € »: what is owed, not the rent
        gross = re.search(r"(?<![\w])brut", folded[match.end():match.end() + 10])
        if best == "revenu_mensuel_net" and gross and not re.match(r"e?s?\W{0,3}(?:de |d'|est |a |:)?\W{0,2}\d",
                                                                folded[match.end() + gross.end():]):
            best = "salaire_brut_mensuel"  # « 1 800 net… euh brut »; not « 1 320 net, brut 1 700 » (the next amount's cue)
        return best

    def _ages_in_enumeration(self, facts: List[ReadFact], folded: str, markers) -> None:
        """« on a 25 et 27 ans », « moi 29 et lui 33 ans »: the first age is the person's, the next the partner's;
        « j'ai 29 ans et mon mari 33 »: a bare number after another subject is that subject's age."""
        for age in [f for f in facts if f.name == "age"]:
            tail = folded[age.start:age.start + 60]
            bare = re.match(r"(\d{2})\s*ans?\s*(?:et|,)\s*(mon \w+|ma \w+|lui|elle|moi)\s*(?:a\s*|en a\s*)?(\d{2})(?!\s*(?:ans|\d|€|e\b|euros|k))",
                            tail)
            if bare:
                who, _ = self._subject_at(age.start + bare.start(2) + len(bare.group(2)), folded, markers)
                if who != age.subject and not any(f.name == "age" and f.subject == who for f in facts):
                    facts.append(ReadFact(who, "age", int(bare.group(3)), SURE, age.start + bare.start(3)))
        for match in re.finditer(r"(?<![\w])(\d{2})\s*(?:ans\s*)?(?:et|,|/)\s*(?:moi|lui|elle|mon \w+|ma \w+)?\s*(\d{2})\s*ans",
                                 folded):
            first, second = int(match.group(1)), int(match.group(2))
            ages = [f for f in facts if f.name == "age" and match.start() <= f.start <= match.end()]
            before = folded[max(0, match.start() - 12):match.start()]
            if re.search(r"\d\s*(?:,|et)\s*$", before):  # « 20, 21 et 22 ans »: three people, whose is whose?
                facts[:] = [f for f in facts if not (f.name == "age" and match.start() - 12 <= f.start <= match.end())]
                continue
            if re.search(r"(?<![\w])pas\s*$", before):  # « non pas 25, 26 ans »: a correction, one age
                facts[:] = [f for f in facts if not (f.name == "age" and match.start() <= f.start <= match.end())]
                who, _ = self._subject_at(match.start(1), folded, markers)
                facts.append(ReadFact(who, "age", second, SURE, match.start(2)))
                continue
            subjects = {f.subject for f in ages}
            if len(ages) >= 1 and CONJOINT in subjects:
                continue
            facts[:] = [f for f in facts if not (f.name == "age" and match.start() <= f.start <= match.end())]
            first_subject, _ = self._subject_at(match.start(1), folded, markers)
            pair = self._pair_before(folded, markers, match.start())
            ordered = self._ages_by_cue(folded, markers, match, first, second)
            if ordered:
                facts += [ReadFact(PERSONNE, "age", ordered[0], SURE, match.start(1)),
                          ReadFact(CONJOINT, "age", ordered[1], SURE, match.start(2))]
            elif pair and pair[0] == CONJOINT:
                # « ma femme et moi, 61 et 64 ans »: people write their own age first as often as in the
                # order they named each other; read « mine first », to be confirmed
                facts += [ReadFact(PERSONNE, "age", first, WEAK, match.start(1)),
                          ReadFact(CONJOINT, "age", second, WEAK, match.start(2))]
            elif first_subject == CONJOINT:
                facts += [ReadFact(CONJOINT, "age", first, SURE, match.start(1)),
                          ReadFact(PERSONNE, "age", second, SURE, match.start(2))]
            else:
                facts += [ReadFact(PERSONNE, "age", first, SURE, match.start(1)),
                          ReadFact(CONJOINT, "age", second, WEAK if not markers else SURE, match.start(2))]

    @staticmethod
    def _ages_by_cue(folded: str, markers, match, first: int, second: int) -> Optional[Tuple[int, int]]:
        """(the person's age, the partner's) when the message says which is whose: « moi le plus âgé »,
        « elle la plus jeune », « lui l'aîné », or « respectivement » in the order the two were named."""
        after = folded[match.end():match.end() + 45]
        cue = re.match(r"\W*(?:[\w']+\W+){0,2}?(moi|lui|elle|mon \w+|ma \w+)\W+(?:je suis |c'est |est )?"
                       r"(?:(?:le|la) plus (agee?|vieux|vieille|grande?|jeune)|l'(ainee?)|(?:le |la )?(cadet|cadette|benjamine?))",
                       after)
        if cue:
            older = bool(cue.group(2) and cue.group(2) != "jeune" or cue.group(3))
            mine = cue.group(1) == "moi"
            high, low = max(first, second), min(first, second)
            own = high if older == mine else low
            return own, (low if own == high else high)
        if re.match(r"\W*respectivement", after):
            named = [m.subject for m in markers if m.start < match.start() and m.subject in (PERSONNE, CONJOINT)]
            order = list(dict.fromkeys(named))
            if len(order) == 2:
                return (first, second) if order[0] == PERSONNE else (second, first)
        return None

    @staticmethod
    def _pair_before(folded: str, markers, position: int) -> Optional[Tuple[str, str]]:
        """The two people named together (« ma femme et moi », « moi et mon copain ») just before `position`
        in its sentence, in their order, or None."""
        start = max([m.end() for m in re.finditer(r"[.;!?\n]", folded[:position])] or [0])
        named = [m for m in markers if start <= m.start and m.end <= position and m.subject in (PERSONNE, CONJOINT)
                 and not m.pronoun]
        if len(named) < 2:
            return None
        a, b = named[-2], named[-1]
        if a.subject != b.subject and re.fullmatch(r"\s*et\s*", folded[a.end:b.start]) and \
                re.fullmatch(r"\W*(?:(?:avons|avez|ont|on a|nous avons)\W+)?", folded[b.end:position]):
            return a.subject, b.subject
        return None

    # -- words -------------------------------------------------------------------------------------------

    @staticmethod
    def _clause(folded: str, position: int) -> str:
        """The clause around `position` (between punctuation marks)."""
        start = max([m.end() for m in re.finditer(r"[,;:.!?\n()]", folded[:position])] or [0])
        end = re.search(r"[,;:.!?\n()]", folded[position:])
        return folded[start:position + (end.start() if end else len(folded))]

    @staticmethod
    def _clause_before(folded: str, position: int) -> str:
        """The clause up to `position`."""
        start = max([m.end() for m in re.finditer(r"[,;:.!?\n()]", folded[:position])] or [0])
        return folded[start:position]

    @staticmethod
    def _clause_after(folded: str, position: int) -> str:
        """The rest of the clause from `position` on."""
        end = re.search(r"[,;:.!?\n()]", folded[position:])
        return folded[position:position + (end.start() if end else len(folded) - position)]

    def _hypothetical(self, folded: str, start: int) -> bool:
        return bool(HYPOTHETICAL.search(self._clause(folded, start)))

    def _negated(self, folded: str, start: int) -> bool:
        clause_start = 0
        for boundary in CLAUSE.finditer(folded[:start]):
            clause_start = boundary.end()
        window = folded[max(clause_start, start - 40):start]
        tokens = re.findall(r"[\w']+", window)[-5:]
        text = " ".join(tokens)
        if re.search(r"(?<![\w])(?:ne|n') \w+ que(?![\w])", text):
            return False
        if UNKNOWING.search(window):
            return False
        return bool(NEGATION.search(" " + text + " "))

    def _words(self, folded: str, markers, original: str = "") -> List[ReadFact]:
        facts: List[ReadFact] = []

        def subject(position: int, name: str) -> str:
            return MENAGE if subject_of(name) == MENAGE else self._subject_at(position, folded, markers)[0]

        def negated(position: int) -> bool:
            return self._negated(folded, position) or self._hypothetical(folded, position)

        def future(position: int) -> bool:
            return bool(FUTURE_JOB.search(self._clause(folded, position)))

        for key, pattern in self.lexicon.situations:
            for match in pattern.finditer(folded):
                if key in ("salarie", "alternant", "retraite") and future(match.start()):
                    continue
                if negated(match.start()):
                    if key == "salarie" and re.search(r"travaille|bosse", match.group(0)):
                        who = subject(match.start(), "situation_pro")
                        if not any(f.subject == who and f.name == "situation_pro" for f in facts):
                            facts.append(ReadFact(who, "situation_pro", "_sans_emploi", SURE, match.start()))
                    continue
                who = subject(match.start(), "situation_pro")
                if not any(f.subject == who and f.name == "situation_pro" for f in facts):
                    facts.append(ReadFact(who, "situation_pro", key, SURE, match.start()))
        for key, pattern in self.lexicon.sectors:
            for match in pattern.finditer(folded):
                if negated(match.start()):
                    continue
                if STUDY_PLACE.search(match.group(0)) and STUDENT_BEFORE.search(folded[:match.start()]):
                    continue  # « étudiant dans une école privée »: where one studies, not an employer
                who = subject(match.start(), "secteur_employeur")
                if not any(f.subject == who and f.name == "secteur_employeur" for f in facts):
                    facts.append(ReadFact(who, "secteur_employeur", key, SURE, match.start()))
        for brand in BRAND_EMPLOYER.finditer(original or ""):
            position = brand.start(1)
            who = subject(position, "secteur_employeur")
            if not any(f.subject == who and f.name == "secteur_employeur" for f in facts) and not negated(position):
                facts.append(ReadFact(who, "secteur_employeur", "prive", SURE, position))
        for key, pattern in self.lexicon.contracts:
            for match in pattern.finditer(folded):
                if negated(match.start()) or DEMANDED.search(self._clause_before(folded, match.start())):
                    continue
                who = subject(match.start(), "type_contrat")
                if not any(f.subject == who and f.name == "type_contrat" for f in facts):
                    facts.append(ReadFact(who, "type_contrat", key, SURE, match.start()))
        for name, pattern, value in BOOLEANS:
            for match in pattern.finditer(folded):
                who = subject(match.start(), name)
                earlier = next((f for f in facts if f.subject == who and f.name == name), None)
                if earlier is not None and not (value is True and earlier.value is False and not negated(match.start())
                                                and NEGATION.search(folded[max(0, earlier.start - 25):earlier.start])):
                    continue  # « jamais eu d'impayés, mais je viens de perdre mon emploi »: the affirmed one wins
                if earlier is not None:
                    facts.remove(earlier)
                clause_before = self._clause(folded, match.start())[:len(self._clause(folded, match.start())) -
                                                                     len(self._clause_after(folded, match.start()))]
                if HYPOTHETICAL.search(clause_before) or RULE_QUESTION.search(self._clause(folded, match.start())):
                    continue  # « c'est quoi un NUD ? », « Visale couvre combien de mois d'impayés ? »: nothing stated
                if name == "mutation_recente" and FUTURE_MUTATION.search(self._clause(folded, match.start())):
                    continue  # « mon employeur me mute à Lyon en février »: not a transfer of 6 months or less ago
                if name in ("evenement_difficulte", "urgence") and IF_CLAUSE.search(folded[max(0, match.start() - 20):match.start()]):
                    continue  # « visale couvre quoi si jpaye plus mon loyer »: a case, not the person's
                if name == "evenement_difficulte" and HOUSEHOLD_EVENT.match(match.group(0)):
                    who = PERSONNE  # rent arrears, eviction: the household's, so the case's
                stated = value
                if value is True and negated(match.start()) and not NEGATION.search(match.group(0)):
                    # (« je ne paie plus mon loyer » says it in its own words; the False phrases carry their own)
                    stated = False
                elif value is False and negated(match.start()) and not NEGATION.search(match.group(0)):
                    # « je ne cherche pas… »: nothing said (« non, pas encore signé » carries its own negation)
                    continue
                if name == "a_nud" and re.search(r"pas (?:encore )?(?:fait|depose)|jamais (?:fait|eu)", folded[max(0, match.start() - 30):match.start()]):
                    stated = False
                facts.append(ReadFact(who, name, stated, SURE, match.start()))
        self._student_job(folded, facts, markers)
        self._said_of_both(folded, facts)
        return self._settle_situations(facts, future)

    def _said_of_both(self, folded: str, facts: List[ReadFact]) -> None:
        """« retraités tous les deux », « tous deux en CDI », « un couple de retraités »: the situation or the
        contract said in that clause is the person's and the partner's."""
        for fact in [f for f in facts if f.name in ("situation_pro", "type_contrat", "etudiant_boursier")]:
            clause = self._clause(folded, fact.start)
            both = BOTH.search(clause) or (fact.name == "situation_pro" and re.search(
                r"couple (?:de |d')" + r"(?:retraites|etudiants|salaries|alternants|chomeurs)", clause))
            if not both or fact.subject not in (PERSONNE, CONJOINT) or NEGATION.search(clause[:both.start()][-12:]):
                continue
            other = CONJOINT if fact.subject == PERSONNE else PERSONNE
            if not any(f.subject == other and f.name == fact.name for f in facts):
                facts.append(ReadFact(other, fact.name, fact.value, fact.confidence, fact.start))

    def _student_job(self, folded: str, facts: List[ReadFact], markers) -> None:
        for who in (PERSONNE, CONJOINT):
            if not any(f.subject == who and f.name == "situation_pro" and f.value == "etudiant" for f in facts):
                continue
            for match in STUDENT_NO_JOB.finditer(folded):
                if self._subject_at(match.start(), folded, markers)[0] == who:
                    facts.append(ReadFact(who, "etudiant_salarie", False, SURE, match.start()))
                    break
            else:
                for match in STUDENT_JOB.finditer(folded):
                    if self._subject_at(match.start(), folded, markers)[0] == who and not self._negated(folded, match.start()):
                        facts.append(ReadFact(who, "etudiant_salarie", True, SURE, match.start()))
                        break

    @staticmethod
    def _settle_situations(facts: List[ReadFact], future=lambda position: False) -> List[ReadFact]:
        """One situation per subject; « je travaille pas » is a job seeker unless the person is a student;
        a promise of hiring is not a job yet."""
        out: List[ReadFact] = []
        promised = {f.subject for f in facts if f.name == "promesse_embauche" and f.value is True}
        for fact in facts:
            if fact.name != "situation_pro":
                out.append(fact)
                continue
            if fact.value == "salarie" and fact.subject in promised:
                continue
            same = [f for f in facts if f.subject == fact.subject and f.name == "situation_pro"]
            kinds = {f.value for f in same}
            if fact.value == "_sans_emploi":
                if kinds & {"etudiant", "retraite", "alternant"}:
                    continue
                fact = ReadFact(fact.subject, fact.name, "demandeur_emploi", fact.confidence, fact.start)
            elif fact.value == "salarie" and kinds & {"alternant", "etudiant", "independant", "retraite",
                                                       "demandeur_emploi"}:
                if "etudiant" in kinds and "alternant" not in kinds:
                    continue
                continue
            elif fact.value == "etudiant" and "alternant" in kinds:
                continue
            if any(f.subject == fact.subject and f.name == "situation_pro" for f in out):
                continue
            out.append(fact)
        # An employer or a contract of work says the person is an employee (« CDD à la mairie »).
        situated = {f.subject for f in out if f.name == "situation_pro"} | promised
        for fact in list(out):
            if fact.subject not in situated and not future(fact.start) and (fact.name == "secteur_employeur" or (
                    fact.name == "type_contrat" and fact.value in ("cdi", "cdd", "interim"))):
                out.append(ReadFact(fact.subject, "situation_pro", "salarie", min(fact.confidence, INFERRED), fact.start))
                situated.add(fact.subject)
        # An employer of the past (« au chômage depuis la fermeture de mon magasin ») or one's own business
        # (« viticulteur à son compte ») is no employer's sector.
        without_employer = {f.subject for f in out if f.name == "situation_pro"
                            and f.value in ("demandeur_emploi", "retraite", "independant")}
        return [f for f in out if not (f.name in ("secteur_employeur", "type_contrat") and f.subject in without_employer)]

    # -- communes ----------------------------------------------------------------------------------------

    def _communes(self, original: str, folded: str) -> List[ReadFact]:
        if self.communes is None:
            return []
        facts: List[ReadFact] = []
        for start in (m.start() for m in re.finditer(r"(?<![\w'])(?:de|depuis|quitte|quitter|quittons)(?![\w'])", folded)):
            moves = MOVE_FROM_TO.match(folded, start)  # tried at every « de »: a first one may not be a move
            if not moves:
                continue
            if re.search(r"[.!?;]", folded[moves.start():moves.start(2)]):
                continue  # a move is said in one sentence
            origin, destination = self._commune_in(moves.group(1), start_only=True), self._commune_in(
                moves.group(2), start_only=True)
            if origin and destination and origin != destination:
                return [ReadFact(MENAGE, "commune_precedente", origin, SURE, moves.start()),
                        ReadFact(MENAGE, "commune", destination, SURE, moves.start(2))]
        found = []
        words = [(m.start(), m.end()) for m in re.finditer(r"[\w]+(?:['\-][\w]+)*", folded)]
        i = 0
        while i < len(words):
            matched = None
            for length in range(min(self.communes.longest, 5), 0, -1):
                if i + length > len(words):
                    continue
                start, end = words[i][0], words[i + length - 1][1]
                name = folded[start:end]
                if commune_key(name) not in self.communes.by_key:
                    continue
                # a capital at the start of a sentence says nothing (« Son fils… », « Pas de CDD »)
                capitalised = original[start:start + 1].isupper() and not SENTENCE_START.search(original[:start])
                if length == 1 and (len(name) < 3 or (commune_key(name) in self.lexicon.not_communes and not capitalised)):
                    continue
                if length > 1 and not capitalised and commune_key(name.split(" ", 1)[-1]) in self.lexicon.not_communes \
                        and name.split(" ", 1)[0] in ("la", "le", "les", "l'"):
                    continue  # « à la rue » is no commune (Rue, Somme)
                prep = LOCATION_PREP.search(folded[max(0, start - 25):start]) or (
                    length == 1 and AFTER_RENT.search(folded[max(0, start - 20):start]) and name not in MONTHS_FR
                    and commune_key(name) not in self.lexicon.not_communes)  # « loyer 650 marseille »
                if not prep and not capitalised:
                    continue
                if name in AMBIGUOUS_COMMUNES and not capitalised:
                    continue
                matched = (start, end, original[start:end])
                break
            if matched:
                found.append(matched)
                i += max(1, len(re.findall(r"[\w]+(?:['\-][\w]+)*", folded[matched[0]:matched[1]])))
            else:
                i += 1
        homes, others, previous, living = [], [], [], []
        for found_commune in found:
            before = folded[max(0, found_commune[0] - 45):found_commune[0]]
            if PREVIOUS_CUE.search(before[-30:]) or PREVIOUS_HOME.search(before):
                previous.append(found_commune)
                continue
            if LIVES_NOW.search(before[-45:]) and re.search(r"(?<![\w])chez (?:ma|mon|mes|sa|son|ses|un|une|des)(?![\w])",
                                                            before[-45:]):
                living.append(found_commune)  # lodged with someone: where they live now, not a home of their own
                continue
            if NOT_HOME_CUE.search(before) or WORKPLACE_CUE.search(re.split(r"[;.!?:()\n,]", before)[-1]) \
                    or self._hypothetical(folded, found_commune[0]):
                continue
            if LIVES_NOW.search(before[-45:]):
                living.append(found_commune)
            (homes if HOME_CUE.search(before) else others).append(found_commune)
        new_home = [c for c in homes if c not in living and commune_key(c[2]) not in
                    {commune_key(p[2]) for p in previous + living}]
        if living and new_home and not previous:
            previous = living[:1]  # « je vis à Lyon pour l'instant et je cherche à Bourg »
        if previous:
            homes = new_home
            if not homes:  # « bail à Niort… J'habitais à La Rochelle »: the one other commune is the new one
                left = {commune_key(p[2]) for p in previous}
                others = [c for c in others if commune_key(c[2]) not in left
                          and not WORK_CUE.search(folded[max(0, c[0] - 45):c[0]])]
        chosen = homes[-1] if homes else (others[0] if others and len({commune_key(c[2]) for c in others}) == 1 else None)
        if chosen:
            facts.append(ReadFact(MENAGE, "commune", self._pretty(chosen[2]), SURE, chosen[0]))
        if previous:  # a former home said is a fact, even when the new one is not named
            facts.append(ReadFact(MENAGE, "commune_precedente", self._pretty(previous[0][2]), SURE, previous[0][0]))
        return facts

    def _commune_in(self, fragment: str, start_only: bool = False) -> Optional[str]:
        words = re.findall(r"[\w]+(?:['\-][\w]+)*", fragment)
        for length in range(min(5, len(words)), 0, -1):
            for i in ([0] if start_only else range(len(words) - length + 1)):
                name = " ".join(words[i:i + length])
                if commune_key(name) in self.communes.by_key and name not in self.lexicon.not_communes and len(name) >= 3:
                    return self._pretty(name)
        return None

    def _pretty(self, name: str) -> str:
        communes = self.communes.find(name) if self.communes else []
        return communes[0].name if communes else name

    # -- household ---------------------------------------------------------------------------------------

    def _household(self, folded: str) -> List[ReadFact]:
        facts: List[ReadFact] = []
        couple_words = self.lexicon.subjects.get("conjoint")
        partner = couple_words.search(folded) if couple_words else None
        couple_described = any(m.subject == CONJOINT for m in self._markers(folded, True)) and \
            COUPLE_DESCRIBED.search(folded)
        breakup = BREAKUP.search(folded)
        if (COUPLE_FALSE.search(folded) or breakup) and (breakup or re.search(r"plus ensemble|ne (?:vis|vit|vivons) plus avec|"
                                                                             r"separe|divorce|ex est parti|decede", folded)):
            facts.append(ReadFact(MENAGE, "en_couple", False, SURE, (COUPLE_FALSE.search(folded) or breakup).start()))
        elif couple_described:  # « la famille D. : monsieur …, madame … »
            facts.append(ReadFact(MENAGE, "en_couple", True, SURE, couple_described.start()))
        elif partner and not re.search(r"coloc|pote|titulaire", partner.group(0)) and not re.search(
                r"(?:mon|ma|son|sa) ex(?![\w])|ex-(?:mari|femme|conjoint|compagn)", folded) and not COUPLE_FALSE.search(folded):
            facts.append(ReadFact(MENAGE, "en_couple", True, SURE, partner.start()))
        elif COUPLE_TRUE.search(folded) and not self._negated(folded, COUPLE_TRUE.search(folded).start()):
            facts.append(ReadFact(MENAGE, "en_couple", True, SURE, COUPLE_TRUE.search(folded).start()))
        elif COUPLE_FALSE.search(folded):
            facts.append(ReadFact(MENAGE, "en_couple", False, SURE, COUPLE_FALSE.search(folded).start()))
        elif re.search(r"pas en couple", folded):
            facts.append(ReadFact(MENAGE, "en_couple", False, SURE, 0))
        said = list(HOLDERS.finditer(folded))
        # « 2 colocs, on est 3 sur le même bail »: what is said of the lease wins over a count of flatmates
        holders = next((h for h in said if "bail" in h.group(0) or "sign" in h.group(0)), said[0] if said else None)
        if INDIVIDUAL_LEASE.search(folded):
            facts.append(ReadFact(MENAGE, "nb_titulaires_bail", 1, SURE, INDIVIDUAL_LEASE.search(folded).start()))
        elif holders:
            text = holders.group(0)
            token = holders.group(1) or holders.group(2) or re.match(r"\w+", text).group(0)
            if "seul" in text or "unique" in text:
                count = 1
            elif token.isdigit() or token in WORD_NUMBERS:
                count = int(token) if token.isdigit() else WORD_NUMBERS[token]
            else:  # « on signe à deux », « nos deux noms », « les deux signeront »
                count = 2
            if count:
                facts.append(ReadFact(MENAGE, "nb_titulaires_bail", count, SURE, holders.start()))
        no_allowance = NO_ALLOWANCE.search(folded)
        if no_allowance and not re.search(r"(?:si|sais|savoir)\W+(?:[\w']+\W+){0,4}$", folded[:no_allowance.start()]):
            facts.append(ReadFact(MENAGE, "apl_mensuelle", 0.0, SURE, no_allowance.start()))
        moved = next((m for m in re.finditer(
            r"(?:pas encore|toujours pas) (?:emmenage|entre|installe)|(?:j'|j|on |nous |il |elle )?emmenag(?:e|eons|ent) "
            r"(?:le |la |en |dans |bientot|samedi|dimanche|lundi|mardi|mercredi|jeudi|vendredi|demain|ce |cette |debut |"
            r"fin |mi-)|(?:vais|allons|va|vont) emmenager", folded)
            if not re.search(r"(?<![\w])(?:ai|avons|ont|suis|sommes|sont|a|est)\s*$", folded[max(0, m.start() - 6):m.start()])),
            None)
        if moved:
            facts.append(ReadFact(MENAGE, "mois_depuis_entree_logement", 0.0, SURE, moved.start()))
        return facts

    # -- unknowns ----------------------------------------------------------------------------------------

    UNKNOWN_CUES: Sequence[Tuple[str, re.Pattern]] = (
        ("taille_entreprise", re.compile(r"combien (?:de salaries|de personnes|d'employes|on est|ils sont|nous sommes)|"
                                         r"(?:plus|moins|plus ou moins) de \d+ (?:salaries|personnes|employes)|"
                                         r"taille de (?:la|ma|sa) (?:boite|entreprise)|nombre de salaries")),
        ("a_nud", re.compile(r"nud|nur|numero unique")),
        ("etudiant_boursier", re.compile(r"boursier|boursiere|bourse")),
        ("secteur_employeur", re.compile(r"public\W+(?:[\w']+\W+){0,3}?ou\W+(?:[\w']+\W+){0,3}?prive|"
                                         r"prive\W+(?:[\w']+\W+){0,3}?ou\W+(?:[\w']+\W+){0,3}?public|quel secteur|"
                                         r"si c'est (?:du )?(?:public|prive)|(?:si|que) (?:(?:mon|son|sa|ma|leur) (?:entreprise|"
                                         r"employeur|boite|societe|structure|association)\W+(?:[\w']+\W+){0,3}?(?:est|soit|fait partie) "
                                         r"(?:du |dans le |de la fonction )?|(?:il|elle|c') ?(?:est|soit) (?:du |dans le )?)"
                                         r"(?:public|publique|prive|privee)(?![\w])")),
        ("periode_essai", re.compile(r"periode d'essai")),
        ("revenu_mensuel_net", re.compile(r"combien (?:je gagne|il gagne|elle gagne|on gagne)|mon salaire exact")),
        ("apl_mensuelle", re.compile(r"(?<![\w])(?:apl|als|caf)(?![\w])")),
        ("mutation_recente", re.compile(r"mutation")),
    )

    def _unknowns(self, folded: str, markers) -> List[ReadFact]:
        facts = []
        for unknowing in UNKNOWING.finditer(folded):
            sentence_end = len(folded)
            for boundary in re.finditer(r"[.;!?\n]", folded[unknowing.end():]):
                sentence_end = unknowing.end() + boundary.start()
                break
            window = folded[unknowing.end():min(sentence_end, unknowing.end() + 90)]
            for name, pattern in self.UNKNOWN_CUES:
                cue = pattern.search(window)
                if cue:
                    position = unknowing.end() + cue.start()
                    who = MENAGE if subject_of(name) == MENAGE else self._subject_at(position, folded, markers)[0]
                    facts.append(ReadFact(who, name, UNKNOWN, SURE, position))
                    break
        return facts

    # -- merging -----------------------------------------------------------------------------------------

    @staticmethod
    def _dedupe(facts: List[ReadFact]) -> List[ReadFact]:
        """One value per (subject, fact): an unknown or a first statement wins over later repeats (a transfer
        dated too long ago wins over the word « muté »)."""
        chosen: Dict[Tuple[str, str], ReadFact] = {}
        for fact in sorted(facts, key=lambda f: f.start):
            key_ = (fact.subject, fact.name)
            if key_ not in chosen:
                chosen[key_] = fact
            elif fact.value == UNKNOWN:
                chosen[key_] = fact
            elif fact.name == "mutation_recente" and fact.value is False:
                chosen[key_] = fact  # « mutée il y a deux ans »: the dated transfer is not recent
        for (subject, name), fact in list(chosen.items()):
            if name == "a_nud" and fact.value is True and (MENAGE, "a_nud") in chosen and chosen[(MENAGE, "a_nud")] is not fact:
                continue
        return sorted(chosen.values(), key=lambda f: f.start)


MOVING = re.compile(r"demenag|je quitte|on quitte|(?:il|elle) quitte|(?:je|on|il|elle) pars? de|m'install|s'install|(?<![\w])je vis a|je viens de(?! \w+er)|"
                    r"jviens de|(?<![\w])(?:j'habite|j'habitais|il habite|elle habite)")
NEW_JOB = re.compile(r"(?<![\w])(?:mute|mutee|mutation|embauche|embauchee|je commence|il commence|elle commence|"
                     r"vais commencer|va commencer|nouveau poste|nouvel emploi|premier emploi)(?![\w])")


def _moving_for_the_job(facts: List[ReadFact], folded: str) -> List[ReadFact]:
    """A new job or a transfer, and a move away from where the person lives (a distance, the commune left):
    the move is for the job (« muté à Toulouse, je viens de Lille »), unless the message said otherwise."""
    moving = [m for m in MOVING.finditer(folded)
              if not re.search(r"(?<![\w])(?:pas|plus|jamais)\W+(?:[\w']+\W+){0,2}$", folded[max(0, m.start() - 25):m.start()])]
    if any(f.name == "nouvel_emploi_ou_mutation" for f in facts) or not moving:
        return facts  # « je ne compte pas déménager »: no move
    moved = {f.subject for f in facts if f.name in ("distance_km", "commune_precedente")}
    job = {f.subject for f in facts if (f.name in ("mutation_recente", "promesse_embauche") and f.value is True)}
    start = next((m.start() for m in NEW_JOB.finditer(folded)), None)
    transfer = next((f for f in facts if f.name == "mutation_recente" and f.value is True), None)
    if transfer is not None or (start is not None and MUTATION_CONTEXT.search(folded[start:start + 12])):
        # « muté à Toulouse il y a 2 mois, je déménage là-bas »: a transfer and a move
        subject = transfer.subject if transfer is not None else PERSONNE
        return facts + [ReadFact(subject, "nouvel_emploi_ou_mutation", True, INFERRED, start or 0)]
    if not moved or (not job and start is None):
        return facts
    subject = PERSONNE
    return facts + [ReadFact(subject, "nouvel_emploi_ou_mutation", True, INFERRED, start or 0)]


_current: Dict[str, Tuple[tuple, SituationReader]] = {}


def current_reader(knowledge: Path) -> SituationReader:
    """The reader of a knowledge folder, rebuilt when its words (situation.yml, lexique.yml) change."""
    root = Path(knowledge)
    stamp = tuple((name, (root / name).stat().st_mtime_ns if (root / name).exists() else 0)
                  for name in ("situation.yml", "lexique.yml"))
    cached = _current.get(str(root))
    if cached is None or cached[0] != stamp:
        cached = _current[str(root)] = (stamp, SituationReader.from_knowledge(root))
    return cached[1]
