"""Which aid a message is about (« suis-je éligible à Visale ? », « et pour loca pass ? »), or all of them
(« à quoi j'ai droit ? », « quelles aides pour un alternant ? »: a screening)."""

import re
from typing import Optional

from bot.knowledge.registry import Registry, current_registry
from bot.nlu.normalize import fold

SCREENING = "toutes"
# « my aids »: a request about what the person can get, not about one aid.
SCREENING_PATTERN = re.compile(
    r"(?:a|à) quoi (?:j'ai|j ai|jai|ai-je|ai je|on a|avons-nous|il a|elle a|a-t-(?:il|elle)|la personne a|peut-(?:il|elle)"
    r" pretendre|je peux pretendre|puis-je pretendre) droit|quelles? (?:sont )?(?:les )?aides?\b(?! d'action logement existent)"
    r"(?:[^?.!]{0,60})(?:pour moi|pour (?:lui|elle|la personne|un|une|le|la|ce|cette|nous|mon|ma)(?![\w'])|j'ai droit|"
    r"ai-je droit|je peux|possibles?|peut-(?:il|elle)|a-t-(?:il|elle) droit)|"
    r"(?:toutes )?(?:les |mes |ses )aides? (?:possibles|auxquelles)|"
    r"(?:peut|pourrait) (?:m'|l')?aider (?:a|à) payer|quelles? aides?(?: d'action logement| d'al| action logement)?\s*(?:\?|$)|"
    r"a quoi (?:ai-je|j'ai) droit|droit (?:a|à) quoi|^\W*(?:mes |les |quelles? )?aides\W*$|^\W*quelles? aides?\W*$")
# « je peux en bénéficier ? »: a question about the person's own eligibility to the aid it names.
FOR_SELF_PATTERN = re.compile(
    r"\b(?:je|j'|on|il|elle|la personne) ?(?:peux|peut|pourrais|pourrait|pourrai) (?:en |y |l')?"
    r"(?:beneficier|avoir|obtenir|pretendre|demander|utiliser|y avoir droit)\b|"
    r"\b(?:j'y ai|jy ai|j'ai|jai|ai-je|a-t-(?:il|elle)|on a|il a|elle a|y a-t-il) (?:le )?(?:droit|acces)|(?:suis-je|je suis|je serais|est-(?:il|elle)) "
    r"eligible|\b(?:mon|ma|son|sa|leur|notre) eligibilite|c(?:'est)? (?:pour|pr) (?:moi|nous|lui|elle)\b|(?:ca|c) (?:marche|passe|peut marcher) (?:pour|pr)\b(?! (?:un|une|des|les|tout|toute|tous|toutes|quel\w*)\b)|"
    r"(?:m'|lui |nous )est (?:ouvert|ouverte|accessible)|ok pour moi|"
    r"(?:peut|pourrait)[- ](?:il|elle)? ?(?:m'|l'|nous |la |le |me )?(?:aider|intervenir|accompagner)\b|"
    r"(?:vous )?(?:pouvez|pourriez)[- ](?:vous )?(?:m'|nous |l')aider\b|aidez[- ](?:moi|nous)\b")


# « verif visale stp », « je veux tester si j'ai droit », « tu peux checker pour alin ? »: a check asked for; « comment
# vérifier si mon employeur cotise ? » or « je dois vérifier quoi ? » ask how, not for a check.
CHECK_REQUEST = re.compile(
    r"(?:^\W*|(?<![\w'])(?:veux|voudrais|voudrait|aimerais|souhaite|souhaiterais|peux|pouvez|pourriez|pourrais|on|besoin de|merci de|"
    r"stp|svp|pour)\W+(?:[\w']+\W+){0,2}?)(?:verifier|verif|verifie|verifiez|verifions|checker|check|tester|teste|testez|"
    r"testons|test|simuler|simule|faire (?:le|un) (?:test|verif\w*))(?![\w'])|"
    r"(?<![\w'])(?:verif|verifie|verifier|check|test|teste|tester)\W*(?:stp|svp|pls|merci|pour moi)?\W*$")
HOW_TO_CHECK = re.compile(r"(?<![\w'])(?:comment|quoi|qu'est|que dois|que faut|qu'il faut)(?![\w'])")


def asks_for_self(text: str) -> bool:
    """True when the message asks whether the person (or the person described) can have an aid, or asks
    for the check itself."""
    folded = fold(text or "").replace("’", "'")
    return bool(FOR_SELF_PATTERN.search(folded)) or bool(CHECK_REQUEST.search(folded) and not HOW_TO_CHECK.search(folded))


def detect_aid(text: str, registry: Optional[Registry] = None) -> Optional[str]:
    """The aid a message names, `toutes` for a request about every aid, or None.

    The words of each aid are its file's `mots` (the registry of the default knowledge folder unless
    `registry` is given); when a message names several aids, the lowest `ordre_mots` wins."""
    folded = fold(text or "").replace("’", "'")
    for aid, pattern in (registry or current_registry()).patterns:
        if pattern.search(folded):
            return aid
    if SCREENING_PATTERN.search(folded):
        return SCREENING
    return None
