"""Which aid a message is about ("suis-je éligible à Visale ?", "et pour loca pass ?")."""

import re
from typing import Optional

from bot.nlu.normalize import fold

AID_PATTERNS = (
    ("mobili_jeune", r"mobili.?jeunes?"),
    ("mobili_pass", r"mobili.?pass"),
    ("loca_pass", r"loca.?pass|avance (?:du |de )?d[ée]p[oô]t|pr[eê]t (?:du |pour le )?d[ée]p[oô]t"),
    ("visale", r"\bvisale\b|\bvisal\b|garantie (?:de )?loyer"),
    ("alin", r"\bal.?in\b|plateforme d'action logement"),
    ("accompagnement", r"accompagnement|service social|suivi social"),
)


def detect_aid(text: str) -> Optional[str]:
    folded = fold(text or "").replace("’", "'")
    for aid, pattern in AID_PATTERNS:
        if re.search(pattern, folded):
            return aid
    return None
