"""Build small knowledge folders for tests (valid by default, then broken on purpose)."""

import datetime as dt
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from ruamel.yaml import YAML  # YAML 1.2, as the loader: « yes: » is a key, not true

PROJECT_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
DIALOGUE = {
    "messages": {
        "welcome": "Bonjour.",
        "fallback": "Je n'ai pas compris.",
        "clarify": "Vouliez-vous dire :",
        "clarify_none": "Autre chose",
        "source": "Source",
        "reviewed": "vérifié le",
        "see_also": "Voir aussi :",
        "unavailable": "Service indisponible.",
        "privacy": "Vos messages sont enregistrés.",
        "too_long": "Message trop long ({max} caractères au plus).",
        "rate_limited": "Trop de messages, patientez.",
        "text_only": "Messages écrits seulement.",
    },
    # The conversation's, the referral's and the feedback's texts: the project's own (a test that needs other words edits them).
    **{section: dict(YAML(typ="safe").load((PROJECT_KNOWLEDGE / "dialogue.yml").read_text(encoding="utf-8"))[section])
       for section in ("eligibilite", "saisine", "avis")},
    "thresholds": {"answer": 0.6, "margin": 0.2, "clarify": 0.2, "suggestion": 0.1, "alternative_margin": 0.3,
                   "low_confidence": 0.5},
}


DISTRESS = {
    "situations": [{
        "id": "sans_abri",
        "title": "Sans solution pour dormir",
        "cues": ["dormir dehors", "expulsion + demain"],
        "questions": [f"phrase de détresse {i}" for i in range(12)],
        "answer": "Appelez le 115.",
        "staff_answer": "Accompagnement urgent en 48 heures.",
        "sources": [{"title": "Service-public", "url": "https://www.service-public.fr/"}],
        "reviewed": "2026-11-01",
    }],
    "messages": {"resume_form": "Reprendre", "follow_up": "Autre question ?"},
}


def entry(entry_id: str, **overrides) -> Dict:
    data = {
        "id": entry_id,
        "title": f"Titre {entry_id}",
        "audience": "tous",
        "questions": [f"question {i} sur {entry_id}" for i in range(12)],
        "answer": f"Réponse de {entry_id}.",
        "sources": [{"title": "FAQ du webinaire", "seed": "000_ba1bf2e5b0805682.txt"}],
        "reviewed": dt.date(2026, 11, 1).isoformat(),
    }
    data.update(overrides)
    return data


def write_knowledge(root: Path, files: Optional[Dict[str, List[Dict]]] = None) -> Path:
    """Write faq files ({name: entries}), dialogue.yml and lexique.yml under `root`."""
    files = files if files is not None else {"visale.yml": [entry("visale_couple"), entry("visale_demande")]}
    (root / "faq").mkdir(parents=True, exist_ok=True)
    for name, entries in files.items():
        (root / "faq" / name).write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True), encoding="utf-8")
    (root / "dialogue.yml").write_text(yaml.safe_dump(DIALOGUE, allow_unicode=True), encoding="utf-8")
    (root / "detresse.yml").write_text(yaml.safe_dump(DISTRESS, allow_unicode=True), encoding="utf-8")
    (root / "lexique.yml").write_text("abreviations:\n  cb: combien\nvariantes:\n  Visale: [visal]\n",
                                      encoding="utf-8")
    return root
