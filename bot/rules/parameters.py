"""Dated parameters of the rules, stored OpenFisca-style in knowledge/parametres/**/*.yml.

A file is one parameter, or a node holding several (its keys other than `description` and
`documentation` are children). The parameter's name is its path: `visale/plafond_loyer.yml`
with a child `ile_de_france` is `visale.plafond_loyer.ile_de_france`.

    description: Loyer maximum, charges comprises, en Île-de-France
    values:
      2018-06-19: {value: 1500}
      2030-01-01: {value: null}        # null: the parameter ends on that date
    metadata:
      unit: currency
      reference:
        2018-06-19:
          - title: Visale — mon logement et mon bail
            href: https://www.visale.fr/...
    documentation: free text (optional)

A value applies from its date until the next one. Every dated value needs a reference. The loader
is strict: unknown keys, impossible or malformed dates, a missing `value`, a value of the wrong
type, duplicate keys or names are refused with file and line, in French.
"""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from pydantic import Field, validator

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.loader import validate_model
from bot.knowledge.schema import SEED_PATTERN, Strict
from bot.rules.decision import Source
from bot.rules.yaml_files import Lines, line_of, parse, parse_date, read_folder, sub_lines

FOLDER = "parametres"
NAME_PART = re.compile(r"^[a-z][a-z0-9_]*$")
NODE_KEYS = ("description", "documentation")
LEAF_ONLY_KEYS = ("values", "metadata", "unit", "reference")

# unit → what its values are: a number or true/false.
UNITS = {
    "currency": "number",   # euros
    "year": "number",
    "month": "number",
    "hour": "number",
    "minute": "number",
    "km": "number",
    "employee": "number",   # a number of employees
    "person": "number",
    "/1": "number",         # a ratio (0.5 = 50 %)
    "bool": "bool",
}


class ParameterError(LookupError):
    """A parameter that does not exist, or has no value on the date asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownParameter(ParameterError):
    pass


class ParameterNotInForce(ParameterError):
    pass


class _Reference(Strict):
    title: str = Field(..., min_length=3)
    href: Optional[str] = None
    seed: Optional[str] = None

    @validator("href")
    def _href(cls, value):
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError("adresse web invalide (elle doit commencer par https://)")
        return value

    @validator("seed")
    def _seed(cls, value):
        if value is not None and not SEED_PATTERN.match(value):
            raise ValueError("nom de document source invalide (exemple : 000_ba1bf2e5b0805682.txt)")
        return value

    @validator("seed", always=True)
    def _one_link(cls, value, values):
        if not value and not values.get("href"):
            raise ValueError("une référence doit avoir une adresse « href » ou un document « seed »")
        return value


class _Metadata(Strict):
    unit: str
    reference: Dict[str, List[_Reference]]
    last_value_still_valid_on: Optional[str] = None  # as in OpenFisca: the last day the value was confirmed

    @validator("last_value_still_valid_on")
    def _confirmed(cls, value):
        if value is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            raise ValueError("date invalide (format AAAA-MM-JJ attendu)")
        return value

    @validator("unit")
    def _unit(cls, value):
        if value not in UNITS:
            raise ValueError("unité inconnue (unités possibles : " + ", ".join(UNITS) + ")")
        return value


class _Value(Strict):
    value: Any = Field(...)

    @validator("value")
    def _type(cls, value):
        if value is not None and not isinstance(value, (bool, int, float)):
            raise ValueError("valeur invalide : un nombre, true/false, ou null (fin du paramètre) est attendu")
        return value


class _LeafFile(Strict):
    description: str = Field(..., min_length=3)
    values: Dict[str, _Value]
    metadata: _Metadata
    documentation: Optional[str] = None


@dataclass(frozen=True)
class ParameterValue:
    """The value of a parameter on a date, with the date it applies from and its references."""

    name: str
    value: Any
    since: dt.date
    unit: str
    references: Tuple[Source, ...]


@dataclass(frozen=True)
class Parameter:
    """One parameter and its whole history (values sorted by date; None ends the parameter)."""

    name: str
    description: str
    unit: str
    history: Tuple[Tuple[dt.date, Any], ...]
    references: Mapping[dt.date, Tuple[Source, ...]]
    documentation: Optional[str]
    file: str
    line: Optional[int]
    confirmed_on: Optional[dt.date] = None  # `last_value_still_valid_on`

    def last_confirmed(self) -> dt.date:
        """The last day the parameter's value is known to hold: its confirmation, else its last change."""
        return self.confirmed_on or self.history[-1][0]

    def at(self, on: dt.date) -> ParameterValue:
        """The value in force on `on`; ParameterNotInForce when there is none."""
        current = None
        for since, value in self.history:
            if since <= on:
                current = (since, value)
        if current is None:
            first = self.history[0][0]
            raise ParameterNotInForce(
                f"le paramètre « {self.name} » n'a pas de valeur le {on.isoformat()} "
                f"(première valeur connue : {first.isoformat()}, {self.file})")
        since, value = current
        if value is None:
            raise ParameterNotInForce(
                f"le paramètre « {self.name} » n'est plus en vigueur le {on.isoformat()} "
                f"(fin le {since.isoformat()}, {self.file})")
        return ParameterValue(self.name, value, since, self.unit, self.references.get(since, ()))


class Parameters:
    """Every parameter of the rules, by dotted name."""

    def __init__(self, parameters: Mapping[str, Parameter]):
        self._parameters = dict(parameters)

    def __contains__(self, name: str) -> bool:
        return name in self._parameters

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters[name] for name in sorted(self._parameters))

    def __len__(self) -> int:
        return len(self._parameters)

    def names(self) -> List[str]:
        return sorted(self._parameters)

    def get(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise UnknownParameter(f"paramètre inconnu « {name} » "
                                   f"(aucun fichier dans knowledge/{FOLDER}/ ne le définit)")

    def at(self, name: str, on: dt.date) -> ParameterValue:
        """The value of `name` in force on `on`, with its reference; ParameterError if none."""
        return self.get(name).at(on)

    def in_force(self, name: str, on: dt.date) -> bool:
        try:
            self.get(name).at(on)
        except ParameterNotInForce:
            return False
        return True


def load_parameters(root: Path) -> Parameters:
    """Load every parameter under `root/parametres/`; KnowledgeErrors lists every problem found."""
    return parse_parameter_files(read_folder(root, FOLDER), Path(root).name)


def parse_parameter_files(files: Mapping[str, bytes], label: str = "knowledge") -> Parameters:
    """Parameters from {path relative to the knowledge folder: bytes}; `label` names that folder."""
    errors: List[KnowledgeError] = []
    found: Dict[str, Parameter] = {}
    if not files:
        raise KnowledgeErrors([KnowledgeError(f"{label}/{FOLDER}", None, "", "aucun fichier de paramètres (*.yml)")])
    for path in sorted(files):
        name = f"{label}/{path}"
        parts = path[len(FOLDER) + 1:-len(".yml")].split("/")
        bad = [part for part in parts if not NAME_PART.match(part)]
        if bad:
            errors.append(KnowledgeError(name, None, "", f"nom de fichier ou de dossier invalide « {bad[0]} » "
                                         "(minuscules, chiffres et _ ; il devient le nom du paramètre)"))
            continue
        try:
            data, lines = parse(files[path], name)
        except KnowledgeErrors as exc:
            errors.extend(exc.errors)
            continue
        if data is None:
            errors.append(KnowledgeError(name, None, "", "le fichier est vide"))
            continue
        for parameter in _read_node(data, lines, (), ".".join(parts), name, errors):
            if parameter.name in found:
                other = found[parameter.name]
                errors.append(KnowledgeError(name, parameter.line, "", f"paramètre « {parameter.name} » défini deux "
                                             f"fois (aussi dans {other.file}, ligne {other.line})"))
                continue
            found[parameter.name] = parameter
    if errors:
        raise KnowledgeErrors(errors)
    return Parameters(found)


def _read_node(data: Any, lines: Lines, at: Tuple[str, ...], dotted: str, file: str,
               errors: List[KnowledgeError]) -> List[Parameter]:
    where = line_of(lines, at) or 1
    if not isinstance(data, dict):
        errors.append(KnowledgeError(file, where, at[-1] if at else "",
                                     f"« {dotted} » : un paramètre (avec « values ») ou un groupe de paramètres "
                                     "(clé: valeur) est attendu"))
        return []
    if "values" in data:
        parameter = _read_leaf(data, lines, at, dotted, file, errors)
        return [parameter] if parameter else []
    parameters, children = [], 0
    for key, child in data.items():
        line = line_of(lines, at + (key,))
        if key in NODE_KEYS:
            if not isinstance(child, str) or not child.strip():
                errors.append(KnowledgeError(file, line, key, "texte attendu"))
        elif key in LEAF_ONLY_KEYS:
            errors.append(KnowledgeError(file, line, key, f"« {key} » ne se met que dans un paramètre, à côté de "
                                         "« values » (ici, aucun « values » n'est écrit)"))
        elif not NAME_PART.match(key):
            errors.append(KnowledgeError(file, line, key, f"nom de paramètre invalide « {key} » (minuscules, chiffres "
                                         "et _ ; ou champ inconnu : champs possibles description, values, "
                                         "metadata, documentation)"))
        else:
            children += 1
            parameters += _read_node(child, lines, at + (key,), f"{dotted}.{key}", file, errors)
    if not children:
        errors.append(KnowledgeError(file, where, at[-1] if at else "", f"« {dotted} » n'a ni « values » ni "
                                     "paramètre enfant"))
    return parameters


def _read_leaf(data: dict, lines: Lines, at: Tuple[str, ...], dotted: str, file: str,
               errors: List[KnowledgeError]) -> Optional[Parameter]:
    before = len(errors)
    values = data.get("values")
    dates: Dict[str, dt.date] = {}
    if isinstance(values, dict):
        if not values:
            errors.append(KnowledgeError(file, line_of(lines, at + ("values",)), "values", "au moins une valeur datée "
                                         "est attendue (AAAA-MM-JJ: {value: …})"))
        for key in values:
            day = parse_date(key)
            if day is None:
                errors.append(KnowledgeError(file, line_of(lines, at + ("values", key)), "values",
                                             f"date invalide « {key} » (format attendu : AAAA-MM-JJ)"))
            else:
                dates[key] = day
    model, model_errors = validate_model(_LeafFile, data, sub_lines(lines, at), file)
    errors.extend(model_errors)
    if model is None:
        return None
    unit_kind = UNITS[model.metadata.unit]
    for key, entry in model.values.items():
        value = entry.value
        wrong = value is not None and (isinstance(value, bool) != (unit_kind == "bool"))
        if wrong:
            expected = "true ou false" if unit_kind == "bool" else "un nombre"
            errors.append(KnowledgeError(file, line_of(lines, at + ("values", key, "value")), "value",
                                         f"« {dotted} » ({model.metadata.unit}) : {expected} est attendu"))
    for key in model.metadata.reference:
        line = line_of(lines, at + ("metadata", "reference", key))
        if parse_date(key) is None:
            errors.append(KnowledgeError(file, line, "reference",
                                         f"date invalide « {key} » (format attendu : AAAA-MM-JJ)"))
        elif key not in model.values:
            errors.append(KnowledgeError(file, line, "reference", f"la référence du {key} ne correspond à aucune "
                                         "date de « values »"))
    for key in model.values:
        if key in dates and key not in model.metadata.reference:
            errors.append(KnowledgeError(file, line_of(lines, at + ("values", key)), "reference",
                                         f"la valeur du {key} n'a pas de référence (ajoutez-la sous "
                                         f"metadata > reference > {key})"))
    history = tuple(sorted((dates[key], entry.value) for key, entry in model.values.items() if key in dates))
    if history and history[0][1] is None:
        errors.append(KnowledgeError(file, line_of(lines, at + ("values",)), "values",
                                     f"« {dotted} » commence par null : la première valeur doit être une vraie valeur"))
    if len(errors) > before:
        return None
    references = {
        dates[key]: tuple(Source(title=ref.title, url=ref.href, seed=ref.seed) for ref in refs)
        for key, refs in model.metadata.reference.items()
    }
    confirmed = model.metadata.last_value_still_valid_on
    return Parameter(name=dotted, description=model.description, unit=model.metadata.unit, history=history,
                     confirmed_on=dt.date.fromisoformat(confirmed) if confirmed else None,
                     references=references, documentation=model.documentation, file=file,
                     line=line_of(lines, at + ("values",)))
