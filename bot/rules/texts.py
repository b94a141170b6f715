"""The French texts of the verdicts, read strictly from knowledge/eligibilite/ (editor-owned).

- `commun.yml`: the disclaimer every verdict ends with, yes/no, month names.
- `<aid>.yml` (one per aid, the registry of aids): its name, button, words and parameters folder,
  its criteria tree (`regles`, bot/rules/criteria.py), the wording of each criterion, the verdict
  sentences, next steps by status, alternatives when not eligible, extra information (amounts, lead
  times), sources.

This module checks each file on its own. Whether a file matches its aid's rules (one text per
criterion, only known placeholders) is checked in `bot.rules.ruleset`, which knows both.
"""

from dataclasses import dataclass
from pathlib import Path
import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from pydantic import Field, validator

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.loader import validate_model
from bot.knowledge.registry import AidHeader
from bot.knowledge.schema import Source as _Source
from bot.knowledge.schema import Strict
from bot.rules.decision import Source
from bot.rules.formatting import Wording
from bot.rules.yaml_files import Lines, line_of, parse

FOLDER = "eligibilite"
COMMON_FILE = "commun.yml"
DISCLAIMER_WORDS = ("indicati",)
DECIDER_WORDS = ("action logement", "commission", "caleol", "visale")


def _disclaimer(value: Optional[str]) -> Optional[str]:
    if value is None:
        return value
    lowered = value.lower()
    if not all(word in lowered for word in DISCLAIMER_WORDS) or not any(w in lowered for w in DECIDER_WORDS):
        raise ValueError("l'avertissement doit dire que le résultat est indicatif et qui décide "
                         "(Action Logement, Visale ou la commission d'attribution)")
    return value


class _CommonFile(Strict):
    avertissement: str
    non_remplies: str         # heading of the conditions not met
    refus_plusieurs: str      # {aide}: a refusal where several routes failed
    autre_reponse: str        # {libelle}, {valeur}, {sens}: what one fact would change
    ou_moins: str
    ou_plus: str
    relu: str                 # {date}: the review date of the rules
    # Folders of knowledge/parametres/ that belong to no aid file (aids cited but not evaluated); any other
    # folder must be an aid's (`parametres:` of its file) or read by an aid's rules.
    parametres_sans_aide: List[str] = Field(default_factory=list)
    oui: str
    non: str
    premier_du_mois: str
    mois: List[str] = Field(..., min_items=12, max_items=12)

    _check_disclaimer = validator("avertissement", allow_reuse=True)(_disclaimer)


class _CriterionTexts(Strict):
    regle: str = Field(..., min_length=3)
    valeur: str = "{valeur}"
    valeur_ok: Optional[str] = None
    valeur_echec: Optional[str] = None


class _Verdicts(Strict):
    eligible: str
    non_eligible: str
    indetermine: str


class _Steps(Strict):
    eligible: List[str] = Field(default_factory=list)
    non_eligible: List[str] = Field(default_factory=list)
    indetermine: List[str] = Field(default_factory=list)


class _Alternative(Strict):
    texte: str = Field(..., min_length=3)
    si_echec: List[str] = Field(default_factory=list)
    aides: List[str] = Field(default_factory=list)        # not shown when every one is ruled out by the facts
    si_faits: Dict[str, Any] = Field(default_factory=dict)  # shown only when these facts have these values (or are unknown)


class AidTextsFile(AidHeader):
    """One aid's file: its registry entry (the fields of AidHeader, bot/knowledge/registry.py), its rules and
    its texts."""

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        allow_population_by_field_name = True

    # rules: the criteria tree and the function completing a verdict (checked by bot/rules/criteria.py)
    regles: Any = None
    complements: Any = None
    avertissement: Optional[str] = None
    verdicts: _Verdicts
    verdicts_tiers: Optional[_Verdicts] = None   # when a CCAS agent describes the person
    criteres: Dict[str, _CriterionTexts]
    demarches: _Steps
    alternatives: List[_Alternative] = Field(default_factory=list)
    infos: Dict[str, str] = Field(default_factory=dict)
    sources: List[_Source] = Field(..., min_items=1)
    relu_le: dt.date  # the day an editor last checked these rules against their sources

    _check_disclaimer = validator("avertissement", allow_reuse=True)(_disclaimer)


@dataclass(frozen=True)
class CommonTexts:
    disclaimer: str
    wording: Wording
    not_met: str = ""
    several_failed: str = ""
    other_answer: str = ""
    or_less: str = ""
    or_more: str = ""
    reviewed: str = ""
    parameter_folders: Tuple[str, ...] = ()


@dataclass(frozen=True)
class AidTexts:
    """One aid's texts, with the file and lines they come from (for cross-file errors)."""

    aid: str
    content: AidTextsFile
    file: str
    lines: Lines

    def line(self, *path) -> Optional[int]:
        return line_of(self.lines, tuple(path))

    @property
    def sources(self) -> List[Source]:
        return [Source(title=s.title, url=s.url, seed=s.seed) for s in self.content.sources]


def load_common(root: Path) -> CommonTexts:
    name, raw = _read(root, COMMON_FILE)
    data, lines = parse(raw, name)
    model, errors = validate_model(_CommonFile, data, lines, name)
    if model is None:
        raise KnowledgeErrors(errors)
    wording = Wording(yes=model.oui, no=model.non, months=tuple(model.mois), first_of_month=model.premier_du_mois)
    return CommonTexts(disclaimer=model.avertissement, wording=wording, not_met=model.non_remplies, several_failed=model.refus_plusieurs,
                       other_answer=model.autre_reponse, or_less=model.ou_moins, or_more=model.ou_plus,
                       reviewed=model.relu, parameter_folders=tuple(model.parametres_sans_aide))


def load_aid_texts(root: Path, aid: str) -> AidTexts:
    name, raw = _read(root, f"{aid}.yml")
    data, lines = parse(raw, name)
    model, errors = validate_model(AidTextsFile, data, lines, name)
    if model is None:
        raise KnowledgeErrors(errors)
    return AidTexts(aid=aid, content=model, file=name, lines=lines)


def _read(root: Path, filename: str):
    path = Path(root) / FOLDER / filename
    name = f"{Path(root).name}/{FOLDER}/{filename}"
    if not path.is_file():
        raise KnowledgeErrors([KnowledgeError(name, None, "", "fichier manquant")])
    return name, path.read_bytes()

