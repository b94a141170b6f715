"""All the rules, loaded together: parameters, facts, and the aids of the registry, cross-checked.

The aids are the files of knowledge/eligibilite/ (but `commun.yml` and `faits.yml`): each holds its
registry entry, its criteria tree (`regles`, built by bot/rules/criteria.py) and its texts. Nothing
else lists the aids: `AIDS` and `AID_RULES` are those of the default knowledge folder.

`RuleSet.load(folder)` is strict: any problem in knowledge/parametres/ or knowledge/eligibilite/
(including a bad criterion, a text that does not match its aid's criteria, a parameter the rules
read that no file defines, or a parameters folder left without its aid's file) raises
KnowledgeErrors listing every problem with file and line.

`load_rules(folder)` caches the loaded rules and reloads them when a file changes; an invalid edit
is logged and the last valid rules keep being used (as for the FAQ knowledge store).
"""

import datetime as dt
import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.registry import PROJECT_KNOWLEDGE, aid_id, aid_paths, current_registry
from bot.knowledge.registry import default_knowledge_dir as _default_knowledge_dir
from bot.rules.aid import AidRules
from bot.rules.criteria import build_extras, build_tree
from bot.rules.decision import ELIGIBLE, NOT_ELIGIBLE, EligibilityDecision
from bot.rules.facts import FactCatalogue, InvalidFact, load_facts
from bot.rules.formatting import (TemplateError, fill_parameters, french_number, parameter_references, placeholders,
                                  unknown_placeholders_message)
from bot.rules.logic import Context
from bot.rules.parameters import FOLDER as PARAMETERS_FOLDER
from bot.rules.parameters import ParameterNotInForce, Parameters, load_parameters
from bot.rules.texts import FOLDER as TEXTS_FOLDER
from bot.rules.texts import AidTexts, CommonTexts, load_aid_texts, load_common
from bot.rules.verdict import build_decision

logger = logging.getLogger(__name__)

BASE_PLACEHOLDERS = frozenset({"aide", "date"})
VERDICT_PLACEHOLDERS = {"eligible": BASE_PLACEHOLDERS | {"critere", "valeur"},
                        "non_eligible": BASE_PLACEHOLDERS | {"critere", "valeur"},
                        "indetermine": BASE_PLACEHOLDERS}


def __getattr__(name: str):
    """`AIDS` (the registry's aids, in order) and `AID_RULES` (their rules) of the default knowledge folder."""
    if name == "AIDS":
        return current_registry().aids
    if name == "AID_RULES":
        return load_rules().rules
    raise AttributeError(name)


class UnknownAid(ValueError):
    pass


class RulesNotAvailable(LookupError):
    """The rules of an aid are not known for the date asked (before the first dated parameter)."""


class RuleSet:
    """Evaluates the aids with one consistent set of parameters, facts and texts."""

    def __init__(self, parameters: Parameters, facts: FactCatalogue, common: CommonTexts,
                 texts: Mapping[str, AidTexts], rules: Mapping[str, AidRules]):
        self.parameters = parameters
        self.facts = facts
        self.common = common
        order = sorted(texts, key=lambda aid: (texts[aid].content.ordre, aid))
        self.texts = {aid: texts[aid] for aid in order}
        self.rules: Dict[str, AidRules] = {aid: rules[aid] for aid in order}
        self.first_day = {aid: min(parameters.get(name).history[0][0] for name in aid_rules.parameters())
                          for aid, aid_rules in self.rules.items()}

    @property
    def aids(self) -> Tuple[str, ...]:
        """The aids of these rules, in the registry's order."""
        return tuple(self.rules)

    @classmethod
    def load(cls, root: Path) -> "RuleSet":
        root = Path(root)
        errors: List[KnowledgeError] = []
        parameters = _collect(errors, load_parameters, root)
        facts = _collect(errors, load_facts, root)
        common = _collect(errors, load_common, root)
        folder = root / TEXTS_FOLDER
        paths = aid_paths(f"{TEXTS_FOLDER}/{path.name}" for path in folder.glob("*.yml")) if folder.is_dir() else []
        texts = {aid_id(path): _collect(errors, load_aid_texts, root, aid_id(path)) for path in paths}
        names = set(parameters.names()) if parameters is not None else None
        rules: Dict[str, AidRules] = {}
        for aid, aid_texts in texts.items():
            if aid_texts is None:
                continue
            built = _build_rules(aid, aid_texts, names, errors)
            if built is None:
                continue
            rules[aid] = built
            errors += check_texts(built, aid_texts)
            if parameters is not None:
                errors += _check_parameters(built, parameters, root)
        if parameters is not None:
            errors += _check_references(parameters, facts, texts, root)
            if common is not None and not any(text is None for text in texts.values()):
                errors += _check_parameter_folders(parameters, texts, rules, common, root)
        if errors:
            raise KnowledgeErrors(errors)
        return cls(parameters, facts, common, texts, rules)

    def evaluate(self, aid: str, facts: Mapping[str, Any], on: Optional[dt.date] = None,
                 explain: bool = True, third_person: bool = False) -> EligibilityDecision:
        """The indicative decision on `aid` for `facts` on `on` (today by default).

        A refusal names every condition that could have opened the aid and, when changing one number
        alone would give a yes, says so (`explain=False` skips that, for the question chooser).
        Raises UnknownAid, UnknownFact / InvalidFact (a value outside the catalogue), or
        RulesNotAvailable (a date before the first dated value of the aid's parameters, or one
        that a parameter the rules need does not cover).
        """
        rules = self._rules(aid)
        day = _as_date(on)
        if day < self.first_day[aid]:
            raise RulesNotAvailable(f"les règles de « {self.texts[aid].content.nom} » ne sont connues qu'à partir du "
                                    f"{self.first_day[aid].isoformat()} (date demandée : {day.isoformat()})")
        parsed = self.facts.parse(facts)
        context = Context(parsed, self.parameters, day, lambda name, v: self.facts[name].label(v))
        try:
            outcome = rules.tree.evaluate(context)
            ruled_out = (lambda other: self._ruled_out(other, parsed, day)) if explain else (lambda other: False)
            decision = build_decision(rules, self.texts[aid], self.common, context, outcome, ruled_out, third_person)
        except ParameterNotInForce as exc:
            raise RulesNotAvailable(f"les règles de « {self.texts[aid].content.nom} » ne sont pas connues au "
                                    f"{day.isoformat()} : {exc.message}") from exc
        if explain and decision.status == NOT_ELIGIBLE:
            decision = replace(decision, would_change_fr=self._would_change(aid, parsed, day, outcome))
        return decision

    def _ruled_out(self, aid: str, facts: Mapping[str, Any], day: dt.date) -> bool:
        if aid not in self.rules:
            return False
        try:
            return self.evaluate(aid, facts, day, explain=False).status == NOT_ELIGIBLE
        except RulesNotAvailable:
            return True

    def _would_change(self, aid: str, facts: Mapping[str, Any], day: dt.date, outcome) -> List[str]:
        """For a refusal: the numbers that, changed alone to a threshold of the failed rules, would give a yes."""
        sentences = []
        for leaf in outcome.failing:
            thresholds = sorted({v.value for v in leaf.parameters if isinstance(v.value, (int, float))
                                 and not isinstance(v.value, bool)})
            for name in leaf.criterion.facts:
                current = facts.get(name)
                fact = self.facts[name] if name in self.facts else None
                if fact is None or fact.noun is None or not isinstance(current, (int, float)) or isinstance(current, bool):
                    continue
                for threshold in thresholds:
                    for candidate in (threshold, threshold - 1, threshold + 1):
                        if candidate == current or candidate < (fact.minimum or 0):
                            continue
                        try:
                            trial = self.evaluate(aid, {**facts, name: candidate}, day, explain=False)
                        except (InvalidFact, RulesNotAvailable):
                            continue
                        if trial.status == ELIGIBLE:
                            sense = self.common.or_less if candidate < current else self.common.or_more
                            value = f"{french_number(candidate)} {fact.unit}".strip()
                            sentence = self.common.wording.fill(self.common.other_answer,
                                                                {"libelle": fact.noun, "valeur": value, "sens": sense})
                            if sentence not in sentences:
                                sentences.append(sentence)
                            break
                    else:
                        continue
                    break
        return sentences

    def status(self, aid: str, facts: Mapping[str, Any], on: Optional[dt.date] = None) -> Tuple[Optional[bool], Tuple[str, ...]]:
        """(passed: True / False / None, facts pending) without wording: cheap, for choosing questions."""
        rules, day = self._rules(aid), _as_date(on)
        context = Context(self.facts.parse(facts), self.parameters, day, lambda name, v: v)
        try:
            outcome = rules.tree.evaluate(context)
        except ParameterNotInForce as exc:
            raise RulesNotAvailable(exc.message) from exc
        passed = outcome.passed
        return passed, outcome.pending()

    def render(self, text: str, on: Optional[dt.date] = None) -> str:
        """`text` with its {parameter.name} references replaced by the values in force on `on` (today)."""
        day = _as_date(on)

        def value_of(name: str):
            value = self.parameters.at(name, day)
            return value.value, value.unit
        return fill_parameters(text, value_of)

    def next_fact(self, aid: str, facts: Mapping[str, Any], on: Optional[dt.date] = None) -> Optional[str]:
        """The fact a conversation should ask next, or None when nothing is left to ask."""
        return self.evaluate(aid, facts, on).next_fact

    def validate_fact(self, name: str, raw: Any) -> Tuple[Any, Optional[str]]:
        return self.facts.validate(name, raw)

    def _rules(self, aid: str) -> AidRules:
        if aid not in self.rules:
            raise UnknownAid(f"aide inconnue « {aid} » (aides possibles : {', '.join(self.rules)})")
        return self.rules[aid]


def check_texts(rules: AidRules, texts: AidTexts) -> List[KnowledgeError]:
    """Problems between an aid's rules and its texts file (keys and placeholders)."""
    content, errors = texts.content, []

    def check(template: str, allowed, *path) -> None:
        try:
            unknown = placeholders(template) - set(allowed)
        except TemplateError as exc:
            errors.append(KnowledgeError(texts.file, texts.line(*path), str(path[-1]), str(exc)))
            return
        if unknown:
            errors.append(KnowledgeError(texts.file, texts.line(*path), str(path[-1]),
                                         unknown_placeholders_message(unknown, set(allowed))))

    criteria = {criterion.key: criterion for criterion in rules.criteria()}
    for key in sorted(set(criteria) - set(content.criteres)):
        errors.append(KnowledgeError(texts.file, texts.line("criteres"), "criteres",
                                     f"le critère « {key} » n'a pas de texte"))
    for key, wording in content.criteres.items():
        if key not in criteria:
            errors.append(KnowledgeError(texts.file, texts.line("criteres", key), key, f"critère « {key} » inconnu "
                                         f"(critères de cette aide : {', '.join(sorted(criteria))})"))
            continue
        rule_allowed = BASE_PLACEHOLDERS | criteria[key].rule_placeholders
        check(wording.regle, rule_allowed, "criteres", key, "regle")
        for field in ("valeur", "valeur_ok", "valeur_echec"):
            if getattr(wording, field) is not None:
                check(getattr(wording, field), rule_allowed | criteria[key].value_placeholders | {"valeur"},
                      "criteres", key, field)
    for status, allowed in VERDICT_PLACEHOLDERS.items():
        check(getattr(content.verdicts, status), allowed, "verdicts", status)
        if content.verdicts_tiers is not None:
            check(getattr(content.verdicts_tiers, status), allowed, "verdicts_tiers", status)
        for index, step in enumerate(getattr(content.demarches, status)):
            check(step, BASE_PLACEHOLDERS, "demarches", status, index)
    for index, alternative in enumerate(content.alternatives):
        check(alternative.texte, BASE_PLACEHOLDERS, "alternatives", index, "texte")
        for key in alternative.si_echec:
            if key not in criteria:
                errors.append(KnowledgeError(texts.file, texts.line("alternatives", index, "si_echec"), "si_echec",
                                             f"critère « {key} » inconnu"))
    for key in sorted(set(rules.infos) - set(content.infos)):
        errors.append(KnowledgeError(texts.file, texts.line("infos") or 1, "infos", f"le texte « {key} » manque"))
    for key, template in content.infos.items():
        if key not in rules.infos:
            allowed = ", ".join(sorted(rules.infos)) or "aucun"
            errors.append(KnowledgeError(texts.file, texts.line("infos", key), key,
                                         f"texte « {key} » inconnu (textes possibles : {allowed})"))
        else:
            check(template, BASE_PLACEHOLDERS | rules.infos[key], "infos", key)
    return errors


def _build_rules(aid: str, texts: AidTexts, parameter_names, errors: List[KnowledgeError]) -> Optional[AidRules]:
    """The aid's rules from its file's `regles` and `complements` (None when they have problems, all reported)."""
    content = texts.content
    tree, problems = build_tree(content.regles, texts.file, texts.lines, parameter_names)
    errors += problems
    extras = None
    if content.complements is not None:
        extras, extra_problems = build_extras(content.complements, texts.file, texts.lines, parameter_names)
        errors += extra_problems
        if extras is None:
            return None
    return AidRules.of(aid, tree, extras) if tree is not None else None


def _check_parameter_folders(parameters: Parameters, texts: Mapping[str, AidTexts], rules: Mapping[str, AidRules],
                             common: CommonTexts, root: Path) -> List[KnowledgeError]:
    """Each aid's parameters folder exists, and each folder belongs to an aid, is read by one, or is listed
    in commun.yml (`parametres_sans_aide`): a folder left alone means its aid's file is missing."""
    errors = []
    folders = {name.split(".", 1)[0] for name in parameters.names()}
    declared = {aid_texts.content.parametres: aid for aid, aid_texts in texts.items()}
    for folder, aid in declared.items():
        if folder not in folders:
            errors.append(KnowledgeError(texts[aid].file, texts[aid].line("parametres"), "parametres",
                                         f"dossier « {PARAMETERS_FOLDER}/{folder}/ » introuvable"))
    read = {name.split(".", 1)[0] for aid_rules in rules.values() for name in aid_rules.parameters()}
    for folder in sorted(folders - set(declared) - read - set(common.parameter_folders)):
        errors.append(KnowledgeError(f"{root.name}/{TEXTS_FOLDER}/{folder}.yml", None, f"{PARAMETERS_FOLDER}/{folder}/",
                                     "fichier manquant"))
    return errors


def _check_parameters(rules: AidRules, parameters: Parameters, root: Path) -> List[KnowledgeError]:
    label = f"{root.name}/{PARAMETERS_FOLDER}"
    return [KnowledgeError(label, None, "", f"le paramètre « {name} », utilisé par les règles de « {rules.aid} », "
                           f"n'existe pas (fichier attendu : {PARAMETERS_FOLDER}/{name.replace('.', '/')}.yml "
                           "ou un fichier parent)")
            for name in rules.parameters() if name not in parameters]


def _check_references(parameters: Parameters, facts: Optional[FactCatalogue], texts, root: Path) -> List[KnowledgeError]:
    """Every {parameter.name} written in a fact's texts or an aid's texts names a parameter that exists."""
    found = []
    if facts is not None:
        for fact in facts:
            for text in (fact.question, fact.question_third_person or "", fact.why):
                found.append((f"{root.name}/{TEXTS_FOLDER}/faits.yml", fact.name, text))
    for aid, aid_texts in texts.items():
        if aid_texts is None:
            continue
        content = aid_texts.content
        strings = [content.verdicts.eligible, content.verdicts.non_eligible, content.verdicts.indetermine,
                   *(c.regle for c in content.criteres.values()), *content.infos.values(),
                   *(a.texte for a in content.alternatives),
                   *content.demarches.eligible, *content.demarches.non_eligible, *content.demarches.indetermine]
        found += [(aid_texts.file, aid, text) for text in strings]
    return [KnowledgeError(file, None, where, f"paramètre inconnu « {{{name}}} » (il doit exister dans "
                           f"knowledge/{PARAMETERS_FOLDER}/)")
            for file, where, text in found for name in sorted(parameter_references(text)) if name not in parameters]


def _collect(errors: List[KnowledgeError], load, *args):
    try:
        return load(*args)
    except KnowledgeErrors as exc:
        errors.extend(exc.errors)
        return None


def _as_date(on) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    raise TypeError("`on` must be a date")


# --- cached loading -------------------------------------------------------------------------------

_cache: Dict[Path, Tuple[tuple, RuleSet]] = {}
_lock = threading.Lock()


def default_knowledge_dir() -> Path:
    return _default_knowledge_dir()


def load_rules(knowledge_dir: Optional[Path] = None) -> RuleSet:
    """The rules of `knowledge_dir` (KNOWLEDGE_DIR or the project's knowledge/ by default).

    Cached; reloaded when a rules file changes. An invalid edit is logged and the last valid rules
    of that folder keep being served; with no valid version yet, KnowledgeErrors is raised.
    """
    root = Path(knowledge_dir or default_knowledge_dir()).resolve()
    fingerprint = _fingerprint(root)
    with _lock:
        cached = _cache.get(root)
        if cached and cached[0] == fingerprint:
            return cached[1]
        try:
            rules = RuleSet.load(root)
        except KnowledgeErrors as exc:
            if cached is None:
                raise
            logger.error("Modification des règles refusée, la version précédente reste en service.\n%s", exc.report())
            _cache[root] = (fingerprint, cached[1])
            return cached[1]
        _cache[root] = (fingerprint, rules)
        return rules


def _fingerprint(root: Path) -> tuple:
    items = []
    for folder in (PARAMETERS_FOLDER, TEXTS_FOLDER):
        for path in sorted((root / folder).rglob("*.yml")):
            try:
                stat = path.stat()
            except OSError:
                continue
            items.append((path.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(items)
