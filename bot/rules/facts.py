"""The facts a rule may need, and how a user's answer becomes a valid fact value.

The list of facts, their types and choice keys is the contract of the rules' code (`FACT_TYPES`).
Everything said to the user about a fact lives in knowledge/eligibilite/faits.yml, which editors own:
the question, why it is asked, the unit, the accepted range, the labels of the choices, and the
messages given when an answer is refused. The loader checks the file against the contract.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from pydantic import Field, root_validator

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.loader import validate_model
from bot.knowledge.schema import Strict
from bot.rules.formatting import TemplateError, french_number, placeholders, unknown_placeholders_message
from bot.rules.yaml_files import Lines, line_of, parse
from bot.situation.vocabulary import rule_facts

try:  # pydantic 1.x
    from typing import Literal
except ImportError:  # pragma: no cover
    from typing_extensions import Literal

FILE = "eligibilite/faits.yml"

# name → (type, choice keys), for every fact the rules read: derived from the situation's vocabulary
# (bot/situation/vocabulary.py). The rules compare values with these keys: they cannot be renamed in YAML.
RULE_FACTS = ("age", "situation_pro", "secteur_employeur", "type_contrat", "periode_essai", "anciennete_emploi_mois",
              "duree_contrat_mois", "mutation_recente", "promesse_embauche", "revenu_mensuel_net",
              "salaire_brut_mensuel", "nb_titulaires_bail", "age_conjoint", "situation_pro_conjoint",
              "secteur_employeur_conjoint", "type_contrat_conjoint", "periode_essai_conjoint",
              "anciennete_emploi_mois_conjoint", "mutation_recente_conjoint", "promesse_embauche_conjoint",
              "revenu_mensuel_net_conjoint", "loyer_charges_comprises", "zone_logement", "taille_entreprise", "a_nud",
              "distance_km", "duree_trajet_min", "nouvel_emploi_ou_mutation", "ecart_bail_contrat_mois",
              "apl_mensuelle", "etudiant_boursier", "etudiant_salarie", "agent_contractuel",
              "mois_depuis_entree_logement", "bail_signe", "evenement_difficulte", "urgence")
# Facts the conversation asks to find another one (the commune gives the zone of the dwelling).
PROXY_FACTS = ("commune",)
FACT_TYPES: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    name: (rule_facts()[name].type, rule_facts()[name].choices) for name in RULE_FACTS + PROXY_FACTS}

MESSAGE_PLACEHOLDERS = {
    "nombre_attendu": {"unite"},
    "entier_attendu": {"unite"},
    "trop_petit": {"valeur", "min", "unite"},
    "trop_grand": {"valeur", "max", "unite"},
    "oui_non_attendu": set(),
    "choix_attendu": {"choix"},
    "texte_attendu": set(),
}
YES = {"oui", "o", "yes", "vrai", "true", "1", "ouais", "bien sur", "exact", "tout a fait"}
NO = {"non", "n", "no", "faux", "false", "0", "pas du tout", "nan"}


class UnknownFact(KeyError):
    """A fact name that is not in the catalogue (a programming error, not a user's answer)."""


class InvalidFact(ValueError):
    """A fact value refused by the catalogue; `message` is the French text to show the user."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name} : {message}")
        self.name = name
        self.message = message


class _FactEntry(Strict):
    type: Literal["int", "float", "bool", "choice", "text"]
    question: str = Field(..., min_length=5)
    question_tiers: Optional[str] = Field(None, min_length=5)  # the question about someone a CCAS agent describes
    libelle: Optional[str] = None  # « un revenu net mensuel »: to say what another value would change
    nom: str = Field(..., min_length=2)  # « âge », « loyer charges comprises »: in summaries of the situation
    non_vaut_zero: bool = False  # « non » / « pas encore » answers 0 (« 0 si pas encore », « 0 si aucune »)
    pourquoi: str = Field(..., min_length=5)
    unite: Optional[str] = None
    min: Optional[float] = None
    max: Optional[float] = None
    choix: Optional[Dict[str, str]] = None

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values):
        numeric = values["type"] in ("int", "float")
        if numeric and (values.get("min") is None or values.get("max") is None or not values.get("unite")):
            raise ValueError("un fait numérique doit avoir « unite », « min » et « max »")
        if numeric and values["min"] > values["max"]:
            raise ValueError("« min » est plus grand que « max »")
        if not numeric and any(values.get(key) is not None for key in ("unite", "min", "max")):
            raise ValueError("« unite », « min » et « max » ne servent que pour un nombre (int ou float)")
        if (values["type"] == "choice") != bool(values.get("choix")):
            raise ValueError("« choix » est obligatoire pour un fait de type choice, et seulement pour lui")
        return values


class _Messages(Strict):
    nombre_attendu: str
    entier_attendu: str
    trop_petit: str
    trop_grand: str
    oui_non_attendu: str
    choix_attendu: str
    texte_attendu: str


class _FactsFile(Strict):
    messages: _Messages
    faits: Dict[str, _FactEntry]


@dataclass(frozen=True)
class Fact:
    """One fact: its type and limits, and the French texts a conversation uses to ask for it."""

    name: str
    type: str
    question: str
    why: str
    question_third_person: Optional[str] = None
    noun: Optional[str] = None
    short_name: str = ""
    zero_on_no: bool = False
    unit: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    choices: Tuple[Tuple[str, str], ...] = ()

    def label(self, value: Any) -> Any:
        """The French label of a choice value (other values are returned unchanged)."""
        return dict(self.choices).get(value, value) if self.type == "choice" else value


class FactCatalogue:
    """The facts, by name, and the validation of raw answers."""

    def __init__(self, facts: Mapping[str, Fact], messages: Mapping[str, str]):
        self._facts = dict(facts)
        self._messages = dict(messages)

    def __contains__(self, name: str) -> bool:
        return name in self._facts

    def __getitem__(self, name: str) -> Fact:
        try:
            return self._facts[name]
        except KeyError:
            raise UnknownFact(name)

    def __iter__(self):
        return iter(self._facts[name] for name in sorted(self._facts))

    def names(self) -> List[str]:
        return sorted(self._facts)

    def validate(self, name: str, raw: Any) -> Tuple[Any, Optional[str]]:
        """(value, None) for a valid answer, (None, French message) otherwise."""
        fact = self[name]
        if fact.type in ("int", "float"):
            return self._number(fact, raw)
        if fact.type == "bool":
            return self._boolean(raw)
        if fact.type == "text":
            return self._text(raw)
        return self._choice(fact, raw)

    def parse(self, facts: Mapping[str, Any]) -> Dict[str, Any]:
        """Validated copy of a facts dict (None values dropped); UnknownFact / InvalidFact otherwise."""
        result = {}
        for name, raw in facts.items():
            if raw is None:
                continue
            value, error = self.validate(name, raw)
            if error:
                raise InvalidFact(name, error)
            result[name] = value
        return result

    def _say(self, key: str, **values: Any) -> str:
        return self._messages[key].format(**values)

    def _number(self, fact: Fact, raw: Any) -> Tuple[Any, Optional[str]]:
        number = _as_number(raw)
        if number is None:
            return None, self._say("nombre_attendu", unite=fact.unit)
        if fact.type == "int":
            if not float(number).is_integer():
                return None, self._say("entier_attendu", unite=fact.unit)
            number = int(number)
        else:
            number = float(number)
        if number < fact.minimum:
            return None, self._say("trop_petit", valeur=french_number(number), min=french_number(fact.minimum),
                                   unite=fact.unit)
        if number > fact.maximum:
            return None, self._say("trop_grand", valeur=french_number(number), max=french_number(fact.maximum),
                                   unite=fact.unit)
        return number, None

    def _boolean(self, raw: Any) -> Tuple[Any, Optional[str]]:
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str):
            key = _plain(raw)
            if key in YES:
                return True, None
            if key in NO:
                return False, None
        return None, self._say("oui_non_attendu")

    def _text(self, raw: Any) -> Tuple[Any, Optional[str]]:
        if isinstance(raw, str) and 0 < len(raw.strip()) <= 80:
            return raw.strip(), None
        return None, self._say("texte_attendu")

    def _choice(self, fact: Fact, raw: Any) -> Tuple[Any, Optional[str]]:
        if isinstance(raw, str):
            wanted = _plain(raw)
            for key, label in fact.choices:
                if wanted in (_plain(key), _plain(label)):
                    return key, None
        return None, self._say("choix_attendu", choix=", ".join(label for _, label in fact.choices))


def load_facts(root: Path) -> FactCatalogue:
    """The catalogue of knowledge/eligibilite/faits.yml, checked against FACT_TYPES."""
    path = Path(root) / FILE
    name = f"{Path(root).name}/{FILE}"
    if not path.is_file():
        raise KnowledgeErrors([KnowledgeError(name, None, "", "fichier manquant")])
    return parse_facts(path.read_bytes(), name)


def parse_facts(raw: bytes, name: str) -> FactCatalogue:
    """The catalogue from the bytes of a faits.yml file; KnowledgeErrors lists every problem."""
    data, lines = parse(raw, name)
    model, errors = validate_model(_FactsFile, data, lines, name)
    if model is None:
        raise KnowledgeErrors(errors)
    errors += _check_messages(model.messages, lines, name)
    errors += _check_contract(model.faits, lines, name)
    if errors:
        raise KnowledgeErrors(errors)
    facts = {
        key: Fact(name=key, type=entry.type, question=entry.question, why=entry.pourquoi,
                  question_third_person=entry.question_tiers, noun=entry.libelle, short_name=entry.nom,
                  zero_on_no=entry.non_vaut_zero,
                  unit=entry.unite,
                  minimum=entry.min, maximum=entry.max, choices=tuple((entry.choix or {}).items()))
        for key, entry in model.faits.items()
    }
    return FactCatalogue(facts, model.messages.dict())


def _check_messages(messages: _Messages, lines: Lines, name: str) -> List[KnowledgeError]:
    errors = []
    for key, allowed in MESSAGE_PLACEHOLDERS.items():
        line = line_of(lines, ("messages", key))
        try:
            unknown = placeholders(getattr(messages, key)) - allowed
        except TemplateError as exc:
            errors.append(KnowledgeError(name, line, key, str(exc)))
            continue
        if unknown:
            errors.append(KnowledgeError(name, line, key, unknown_placeholders_message(unknown, allowed)))
    return errors


def _check_contract(entries: Mapping[str, _FactEntry], lines: Lines, name: str) -> List[KnowledgeError]:
    errors = []
    for key, entry in entries.items():
        line = line_of(lines, ("faits", key))
        if key not in FACT_TYPES:
            errors.append(KnowledgeError(name, line, key, f"fait « {key} » inconnu des règles (faits possibles : "
                                         + ", ".join(sorted(FACT_TYPES)) + ")"))
            continue
        expected_type, expected_choices = FACT_TYPES[key]
        if entry.type != expected_type:
            errors.append(KnowledgeError(name, line_of(lines, ("faits", key, "type")), "type",
                                         f"fait « {key} » : les règles l'utilisent comme « {expected_type} »"))
        elif expected_choices and set(entry.choix) != set(expected_choices):
            errors.append(KnowledgeError(name, line_of(lines, ("faits", key, "choix")), "choix",
                                         f"fait « {key} » : les choix doivent être exactement "
                                         + ", ".join(expected_choices) + " (seuls leurs libellés se modifient)"))
    for key in sorted(set(FACT_TYPES) - set(entries)):
        errors.append(KnowledgeError(name, line_of(lines, ("faits",)), "faits",
                                     f"le fait « {key} » utilisé par les règles n'est pas décrit"))
    return errors


def _as_number(raw: Any) -> Optional[float]:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw if raw == raw and abs(raw) != float("inf") else None
    if isinstance(raw, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", raw).replace(",", ".")
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return float(text) if "." in text else int(text)
    return None


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))
