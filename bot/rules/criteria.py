"""An aid's criteria tree, declared in its YAML file (`regles:`) with a few reusable criterion types.

    regles:
      exige: {critere: aide_ouverte, type: aide_ouverte, parametre: mobili_pass.distribuee}
      puis:
        toutes:
          - {critere: age, type: comparaison, fait: age, operateur: "<", parametre: {age_limite: mobili_jeune.age_inferieur_a}}
          - si: {en_vigueur: mobili_jeune.mobilite.distance_km_superieure_a}
            alors: {critere: mobilite, type: distance_ou_duree, ...}

Combinators (bot/rules/logic.py): `toutes` (AllOf), `une_parmi` (AnyOf), `si` + `alors` (OnlyIf: the
branch counts only when the condition holds), `exige` + `puis` (Requires: a gate evaluated first).

Criterion types (a leaf: `critere` is the key of its texts in `criteres:`; `explique: true` marks the
criterion that says why a positive verdict is positive):
- `comparaison`: a fact compared with a parameter (`<`, `<=`, `>`, `>=`, `==`); `parametre: {nom: p}`
  names the parameter and the placeholder `{nom}` its value fills in the texts;
- `oui_non`: a yes/no fact (`attendu: false` when the answer must be no);
- `employeur`: the employer's sector (`secteurs: [non_agricole, agricole, public]`), optionally for
  some situations only (`situations: [alternant]`) or for the other lease holder (`titulaire: conjoint`);
- `effectif`: the company size against a minimum per sector (`minimums: {non_agricole: p, agricole: p}`),
  asked only once the employer is known to be in one of these sectors; placeholders {minimum_<secteur>};
- `distance_ou_duree`: the new workplace far enough, in km or in travel time
  (`distance: {operateur: ">", parametre: p}`, `duree: {...}`); placeholders {distance}, {duree}, {km}, {minutes};
- `par_zone`: a fact compared with a parameter node holding one value per zone of the dwelling
  (`parametre: {plafond: visale.plafond_loyer}` → {plafond_ile_de_france}, …); the zone is asked only
  when it changes the answer;
- `aide_ouverte`: the aid is distributed on the date asked (a dated true/false parameter); {depuis}.
- `python: <nom>`: a function of bot/rules/functions/ (the rare logic no type covers), with its
  `parametres: {rôle: paramètre}`.

Conditions (`si:`): `{en_vigueur: p}`, `{employeur: [secteurs]}`, `{fait: f, operateur: op, valeur: v}`
or `{python: <nom>, parametres: {...}}`.

`build_tree` is strict: an unknown type, key, fact, parameter, operator or function is reported with
its file and line, in French, and nothing is built.
"""

import operator
from dataclasses import replace
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from bot.knowledge.errors import KnowledgeError
from bot.rules.employment import (AGRICULTURAL, NON_AGRICULTURAL, PUBLIC, WORKING, company_size, employee_of,
                                  employer_in)
from bot.rules.facts import FACT_TYPES
from bot.rules.logic import (AllOf, AnyOf, Check, Condition, Context, Criterion, Node, OnlyIf, Requires,
                             parameter_in_force, result, unknown)
from bot.rules.yaml_files import Lines, line_of

OPERATORS: Dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
SECTORS = (NON_AGRICULTURAL, AGRICULTURAL, PUBLIC)
NUMERIC = ("int", "float")
ZONE_FACT = "zone_logement"
DISTANCE_FACT, TRAVEL_TIME_FACT = "distance_km", "duree_trajet_min"
OPEN_KEY = "aide_ouverte"
COMBINATORS = {"toutes": "toutes les conditions", "une_parmi": "une des conditions au moins",
               "si": "une branche qui ne compte que si la condition est vraie (avec « alors »)",
               "exige": "une condition vérifiée d'abord (avec « puis »)"}


class Builder:
    """Builds one aid's tree from its YAML data, collecting every problem with its line."""

    def __init__(self, file: str, lines: Lines, parameter_names: Optional[set], functions):
        self.file, self.lines = file, lines
        self.parameter_names = parameter_names  # None when the parameters did not load (not checked then)
        self.functions = functions
        self.errors: List[KnowledgeError] = []
        self.keys: Dict[str, Tuple] = {}

    # --- reporting ---------------------------------------------------------------------------------
    def error(self, path: Tuple, message: str) -> None:
        field = str(path[-1]) if path else ""
        self.errors.append(KnowledgeError(self.file, line_of(self.lines, path), field, message))

    def fact(self, path: Tuple, name: Any, types: Tuple[str, ...] = ()) -> Optional[str]:
        if not isinstance(name, str) or name not in FACT_TYPES:
            self.error(path, f"fait inconnu « {name} » (faits possibles : {', '.join(sorted(FACT_TYPES))})")
            return None
        if types and FACT_TYPES[name][0] not in types:
            self.error(path, f"le fait « {name} » est de type « {FACT_TYPES[name][0]} » : ce critère attend "
                             + " ou ".join(types))
            return None
        return name

    def parameter(self, path: Tuple, name: Any) -> Optional[str]:
        if not isinstance(name, str) or not name:
            self.error(path, "nom de paramètre attendu (exemple : visale.age.maximum)")
            return None
        if self.parameter_names is not None and name not in self.parameter_names:
            self.error(path, f"paramètre inconnu « {name} » (fichier attendu : parametres/"
                             f"{name.replace('.', '/')}.yml ou un fichier parent)")
            return None
        return name

    def named_parameter(self, path: Tuple, value: Any) -> Optional[Tuple[str, str]]:
        """`{placeholder: parameter}` with one entry."""
        if not isinstance(value, Mapping) or len(value) != 1:
            self.error(path, "écrivez « parametre: {nom_dans_le_texte: nom.du.parametre} » (une seule entrée)")
            return None
        (placeholder, name), = value.items()
        name = self.parameter(path + (placeholder,), name)
        return (str(placeholder), name) if name else None

    def comparison(self, path: Tuple, value: Any) -> Optional[Callable[[Any, Any], bool]]:
        if value not in OPERATORS:
            self.error(path, f"opérateur inconnu « {value} » (opérateurs possibles : {', '.join(OPERATORS)})")
            return None
        return OPERATORS[value]

    def keys_of(self, path: Tuple, data: Mapping, required: Tuple[str, ...], optional: Tuple[str, ...] = ()) -> bool:
        ok = True
        for key in data:
            if key not in required + optional:
                self.error(path + (key,), f"clé inconnue « {key} » (clés possibles ici : "
                                          f"{', '.join(required + optional)})")
                ok = False
        for key in required:
            if key not in data:
                self.error(path, f"clé « {key} » manquante")
                ok = False
        return ok

    # --- the tree ----------------------------------------------------------------------------------
    def node(self, data: Any, path: Tuple) -> Optional[Node]:
        if not isinstance(data, Mapping):
            self.error(path, "une règle est un dictionnaire : « toutes », « une_parmi », « si »/« alors », "
                             "« exige »/« puis » ou un critère (« critere » avec « type » ou « python »)")
            return None
        if "critere" in data:
            return self.criterion(data, path)
        if "toutes" in data or "une_parmi" in data:
            key = "toutes" if "toutes" in data else "une_parmi"
            if not self.keys_of(path, data, (key,)):
                return None
            items = data[key]
            if not isinstance(items, list) or not items:
                self.error(path + (key,), "liste de règles attendue (au moins une)")
                return None
            children = [self.node(item, path + (key, index)) for index, item in enumerate(items)]
            if any(child is None for child in children):
                return None
            return AllOf(*children) if key == "toutes" else AnyOf(*children)
        if "si" in data:
            if not self.keys_of(path, data, ("si", "alors")):
                return None
            condition, child = self.condition(data["si"], path + ("si",)), self.node(data["alors"], path + ("alors",))
            return OnlyIf(condition, child) if condition and child else None
        if "exige" in data:
            if not self.keys_of(path, data, ("exige", "puis")):
                return None
            gate, child = self.criterion(data["exige"], path + ("exige",)), self.node(data["puis"], path + ("puis",))
            if gate is not None and not isinstance(gate, Criterion):
                self.error(path + ("exige",), "« exige » attend un seul critère")
                return None
            return Requires(gate, child) if gate and child else None
        self.error(path, "règle inconnue : " + "; ".join(f"« {k} » ({v})" for k, v in COMBINATORS.items())
                   + " ou un critère (« critere »)")
        return None

    def criterion(self, data: Any, path: Tuple) -> Optional[Node]:
        if not isinstance(data, Mapping) or "critere" not in data:
            self.error(path, "critère attendu : « critere » (sa clé dans « criteres ») et « type » ou « python »")
            return None
        key = data["critere"]
        if not isinstance(key, str) or not key:
            self.error(path + ("critere",), "clé de critère attendue")
            return None
        if key in self.keys:
            self.error(path + ("critere",), f"critère « {key} » déclaré deux fois")
            return None
        self.keys[key] = path
        explains = data.get("explique", False)
        if not isinstance(explains, bool):
            self.error(path + ("explique",), "oui ou non attendu (true / false)")
            return None
        if "python" in data:
            return self.custom_criterion(data, path, key, explains)
        kind = data.get("type")
        if kind not in TYPES:
            self.error(path + ("type",), f"type de critère inconnu « {kind} » (types possibles : "
                                         f"{', '.join(TYPES)}, ou « python: <fonction> »)")
            return None
        required, optional, build = TYPES[kind]
        if not self.keys_of(path, data, required, optional + ("critere", "type", "explique")):
            return None
        return build(self, data, path, key, explains)

    def custom_criterion(self, data: Mapping, path: Tuple, key: str, explains: bool) -> Optional[Criterion]:
        function = self.function(self.functions.CRITERIA, data, path, "critère")
        if function is None:
            return None
        if not self.keys_of(path, data, ("critere", "python"), ("explique", "parametres") + function.options):
            return None
        parameters = self.roles(function, data.get("parametres", {}), path + ("parametres",))
        if parameters is None:
            return None
        options = {name: data[name] for name in function.options if name in data}
        return function.build(key, explains, parameters, **options)

    def function(self, table: Mapping, data: Mapping, path: Tuple, what: str):
        name = data["python"]
        if name not in table:
            self.error(path + ("python",), f"fonction de {what} inconnue « {name} » (fonctions possibles : "
                                           f"{', '.join(sorted(table)) or 'aucune'} ; bot/rules/functions/)")
            return None
        return table[name]

    def roles(self, function, given: Any, path: Tuple) -> Optional[Dict[str, str]]:
        if not isinstance(given, Mapping):
            self.error(path, "dictionnaire attendu : {rôle: nom.du.parametre}")
            return None
        ok = True
        for role in given:
            if role not in function.roles:
                self.error(path + (role,), f"rôle inconnu « {role} » (rôles de cette fonction : "
                                           f"{', '.join(function.roles) or 'aucun'})")
                ok = False
        for role in function.roles:
            if role not in given:
                self.error(path, f"paramètre du rôle « {role} » manquant")
                ok = False
        names = {}
        for role, name in given.items():
            if role in function.roles:
                checked = self.parameter(path + (role,), name) if role not in function.nodes else \
                    self.zone_node(path + (role,), name)
                ok = ok and checked is not None
                names[role] = name
        return names if ok else None

    def zone_node(self, path: Tuple, name: Any) -> Optional[str]:
        if not isinstance(name, str):
            return self.parameter(path, name)
        missing = [f"{name}.{zone}" for zone in zones() if self.parameter_names is not None
                   and f"{name}.{zone}" not in self.parameter_names]
        if missing:
            self.error(path, f"paramètre par zone « {name} » : il manque " + ", ".join(missing)
                       + f" (une valeur par zone : {', '.join(zones())})")
            return None
        return name

    def condition(self, data: Any, path: Tuple) -> Optional[Condition]:
        if not isinstance(data, Mapping):
            self.error(path, "condition attendue : « en_vigueur », « employeur », « fait »/« operateur »/« valeur » "
                             "ou « python »")
            return None
        if "en_vigueur" in data:
            if not self.keys_of(path, data, ("en_vigueur",)):
                return None
            name = self.parameter(path + ("en_vigueur",), data["en_vigueur"])
            return parameter_in_force(name) if name else None
        if "employeur" in data:
            if not self.keys_of(path, data, ("employeur",)):
                return None
            sectors = self.sectors(path + ("employeur",), data["employeur"])
            return employer_in(sectors) if sectors else None
        if "python" in data:
            function = self.function(self.functions.CONDITIONS, data, path, "condition")
            if function is None or not self.keys_of(path, data, ("python",), ("parametres",)):
                return None
            parameters = self.roles(function, data.get("parametres", {}), path + ("parametres",))
            return function.build(parameters) if parameters is not None else None
        if "fait" in data:
            if not self.keys_of(path, data, ("fait", "operateur", "valeur")):
                return None
            fact = self.fact(path + ("fait",), data["fait"], NUMERIC)
            compare = self.comparison(path + ("operateur",), data["operateur"])
            value = data["valeur"]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.error(path + ("valeur",), "nombre attendu")
                return None
            if fact is None or compare is None:
                return None
            return literal_condition(fact, data["operateur"], compare, value)
        self.error(path, "condition inconnue : « en_vigueur », « employeur », « fait » ou « python »")
        return None

    def sectors(self, path: Tuple, value: Any) -> Optional[Tuple[str, ...]]:
        if not isinstance(value, list) or not value or any(v not in SECTORS for v in value):
            self.error(path, f"liste de secteurs attendue parmi : {', '.join(SECTORS)}")
            return None
        return tuple(value)


def zones() -> Tuple[str, ...]:
    return FACT_TYPES[ZONE_FACT][1]


def literal_condition(fact: str, symbol: str, compare, value) -> Condition:
    def test(context: Context) -> Check:
        known = context.fact(fact)
        return unknown(fact) if known is None else result(compare(known, value))
    return Condition(f"{fact} {symbol} {value}", test, facts=(fact,))


# --- the criterion types -----------------------------------------------------------------------------

def _comparison(builder: Builder, data, path, key, explains) -> Optional[Criterion]:
    fact = builder.fact(path + ("fait",), data["fait"], NUMERIC)
    compare = builder.comparison(path + ("operateur",), data["operateur"])
    named = builder.named_parameter(path + ("parametre",), data["parametre"])
    if fact is None or compare is None or named is None:
        return None
    placeholder, parameter = named

    def test(context: Context) -> Check:
        threshold, value = context.param(parameter), context.fact(fact)
        if value is None:
            return unknown(fact, **{placeholder: threshold})
        return result(compare(value, threshold), value, **{placeholder: threshold})
    return Criterion(key, test, facts=(fact,), parameters=(parameter,), rule_placeholders=frozenset({placeholder}),
                     explains=explains)


def _yes_no(builder: Builder, data, path, key, explains) -> Optional[Criterion]:
    fact = builder.fact(path + ("fait",), data["fait"], ("bool",))
    expected = data.get("attendu", True)
    if not isinstance(expected, bool):
        builder.error(path + ("attendu",), "true (la réponse doit être oui) ou false (elle doit être non) attendu")
        return None
    if fact is None:
        return None

    def test(context: Context) -> Check:
        answer = context.fact(fact)
        return unknown(fact) if answer is None else result(answer == expected, answer)
    return Criterion(key, test, facts=(fact,), explains=explains)


def _employer(builder: Builder, data, path, key, explains) -> Optional[Criterion]:
    sectors = builder.sectors(path + ("secteurs",), data["secteurs"])
    situations = data.get("situations", list(WORKING))
    if not isinstance(situations, list) or not situations or any(s not in WORKING for s in situations):
        builder.error(path + ("situations",), f"liste de situations attendue parmi : {', '.join(WORKING)}")
        return None
    holder = data.get("titulaire")
    if holder not in (None, "conjoint"):
        builder.error(path + ("titulaire",), "« conjoint » attendu (l'autre titulaire du bail), ou rien")
        return None
    if sectors is None:
        return None
    suffix = "_conjoint" if holder else ""
    criterion = employee_of(sectors, key, explains=explains, suffix=suffix)
    if tuple(situations) == WORKING:
        return criterion
    situation_fact, sector_fact = "situation_pro" + suffix, "secteur_employeur" + suffix

    def test(context: Context) -> Check:
        situation, sector = context.fact(situation_fact), context.fact(sector_fact)
        if situation is not None and situation not in situations:
            return result(False, situation, context.label(situation_fact))
        check = criterion.test(context)
        # once the situation is one of those allowed, the answer that decides is the sector
        return replace(check, value=sector) if check.passed is not None and sector is not None else check
    return Criterion(key, test, facts=criterion.facts, explains=explains)


def _company_size(builder: Builder, data, path, key, explains) -> Optional[Node]:
    minimums = data["minimums"]
    if not isinstance(minimums, Mapping) or not minimums or any(s not in SECTORS for s in minimums):
        builder.error(path + ("minimums",), f"dictionnaire {{secteur: paramètre}} attendu, secteurs parmi : "
                                            f"{', '.join(SECTORS)}")
        return None
    names = {sector: builder.parameter(path + ("minimums", sector), name) for sector, name in minimums.items()}
    if any(name is None for name in names.values()):
        return None
    return OnlyIf(employer_in(tuple(names)), company_size(names, key, explains=explains))


def _distance(builder: Builder, data, path, key, explains) -> Optional[Criterion]:
    limits = {}
    for part in ("distance", "duree"):
        spec = data[part]
        if not isinstance(spec, Mapping) or set(spec) != {"operateur", "parametre"}:
            builder.error(path + (part,), "écrivez « {operateur: \">\", parametre: nom.du.parametre} »")
            return None
        compare = builder.comparison(path + (part, "operateur"), spec["operateur"])
        name = builder.parameter(path + (part, "parametre"), spec["parametre"])
        if compare is None or name is None:
            return None
        limits[part] = (compare, name)
    (far, distance), (long, duration) = limits["distance"], limits["duree"]

    def test(context: Context) -> Check:
        min_km, min_minutes = context.param(distance), context.param(duration)
        km, minutes = context.fact(DISTANCE_FACT), context.fact(TRAVEL_TIME_FACT)
        values = {"distance": min_km, "duree": min_minutes, "km": km, "minutes": minutes}
        if (km is not None and far(km, min_km)) or (minutes is not None and long(minutes, min_minutes)):
            return result(True, km, **values)
        if km is None:
            return unknown(DISTANCE_FACT, **values)
        if minutes is None:
            return unknown(TRAVEL_TIME_FACT, value=km, **values)
        return result(False, km, **values)
    return Criterion(key, test, facts=(DISTANCE_FACT, TRAVEL_TIME_FACT), parameters=(distance, duration),
                     rule_placeholders=frozenset({"distance", "duree"}),
                     value_placeholders=frozenset({"km", "minutes"}), explains=explains)


def _per_zone(builder: Builder, data, path, key, explains) -> Optional[Criterion]:
    fact = builder.fact(path + ("fait",), data["fait"], NUMERIC)
    compare = builder.comparison(path + ("operateur",), data["operateur"])
    parameter = data["parametre"]
    if not isinstance(parameter, Mapping) or len(parameter) != 1:
        builder.error(path + ("parametre",), "écrivez « parametre: {prefixe: nom.du.noeud} » : le nœud a une "
                                             f"valeur par zone ({', '.join(zones())})")
        return None
    (prefix, node), = parameter.items()
    node = builder.zone_node(path + ("parametre", prefix), node)
    if fact is None or compare is None or node is None:
        return None
    return zone_criterion(key, fact, compare, str(prefix), node, explains)


def zone_criterion(key: str, fact: str, compare, prefix: str, node: str, explains: bool = False) -> Criterion:
    names = {zone: f"{node}.{zone}" for zone in zones()}

    def test(context: Context) -> Check:
        limits = {zone: context.param(name) for zone, name in names.items()}
        values = {f"{prefix}_{zone}": limit for zone, limit in limits.items()}
        value = context.fact(fact)
        if value is None:
            return unknown(fact, **values)
        zone = context.fact(ZONE_FACT)
        if zone is None:
            outcomes = {compare(value, limit) for limit in limits.values()}
            if len(outcomes) == 1:  # the same answer in every zone: no need to ask it
                return result(outcomes.pop(), value, **values)
            return unknown(ZONE_FACT, value=value, **values)
        return result(compare(value, limits[zone]), value, **values)
    return Criterion(key, test, facts=(fact, ZONE_FACT), parameters=tuple(names.values()),
                     rule_placeholders=frozenset(f"{prefix}_{zone}" for zone in names), explains=explains)


def _aid_open(builder: Builder, data, path, key, explains) -> Optional[Criterion]:
    parameter = builder.parameter(path + ("parametre",), data["parametre"])
    if parameter is None:
        return None

    def test(context: Context) -> Check:
        state = context.parameter(parameter)
        return result(state.value, state.value, depuis=state.since)
    return Criterion(key, test, facts=(), parameters=(parameter,), rule_placeholders=frozenset({"depuis"}),
                     explains=explains)


# type → (required keys, optional keys, builder)
TYPES: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...], Callable]] = {
    "comparaison": (("fait", "operateur", "parametre"), (), _comparison),
    "oui_non": (("fait",), ("attendu",), _yes_no),
    "employeur": (("secteurs",), ("situations", "titulaire"), _employer),
    "effectif": (("minimums",), (), _company_size),
    "distance_ou_duree": (("distance", "duree"), (), _distance),
    "par_zone": (("fait", "operateur", "parametre"), (), _per_zone),
    "aide_ouverte": (("parametre",), (), _aid_open),
}


def build_tree(data: Any, file: str, lines: Lines, parameter_names: Optional[set]) -> Tuple[Optional[Node],
                                                                                             List[KnowledgeError]]:
    """The tree of `regles:` (None when invalid) and the problems found, each with its file and line."""
    from bot.rules import functions  # the registered Python functions (they use this module's helpers)
    builder = Builder(file, lines, parameter_names, functions)
    if data is None:
        builder.error(("regles",), "« regles » manquant : l'arbre des critères de l'aide")
        return None, builder.errors
    tree = builder.node(data, ("regles",))
    return (tree if not builder.errors else None), builder.errors


def build_extras(data: Any, file: str, lines: Lines, parameter_names: Optional[set]):
    """The registered function that completes a verdict (`complements: {python: ..., parametres: ...}`)."""
    from bot.rules import functions
    builder = Builder(file, lines, parameter_names, functions)
    path = ("complements",)
    if not isinstance(data, Mapping) or "python" not in data:
        builder.error(path, "écrivez « complements: {python: <fonction>, parametres: {rôle: paramètre}} »")
        return None, builder.errors
    function = builder.function(functions.EXTRAS, data, path, "compléments")
    if function is None or not builder.keys_of(path, data, ("python",), ("parametres",)):
        return None, builder.errors
    parameters = builder.roles(function, data.get("parametres", {}), path + ("parametres",))
    if parameters is None:
        return None, builder.errors
    return function.build(parameters), builder.errors
