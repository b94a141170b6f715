"""The editors' report (`make report`): what to write or fix next in knowledge/.

Three parts, each as a CSV file and a section of one HTML page:
1. the most frequent unanswered questions (fallback, « Vouliez-vous dire… ? », an answer given with
   low confidence, or the catch-all out-of-scope answer), grouped by
   similarity: TF-IDF on accent-free word and character n-grams, cosine distance, average-linkage
   agglomerative clustering cut at `distance` (0.65 by default: same words, other spellings);
2. the answers with the worst feedback (more 👎 than 👍 first), with the reasons given;
3. the knowledge entries (and distress situations) whose `reviewed` date is older than 12 months,
   and the rules' parameters whose value was not confirmed (`last_value_still_valid_on`) for more
   than 6 months (bot/rules/freshness.py);
Plus the aggregated counts (eligibility checks per aid and outcome, referrals to staff).
The texts are the stored ones, already redacted; nothing else about the users is shown. CSV cells
that a spreadsheet would take for a formula are written as text (`csv_cell`).
"""

import csv
import datetime as dt
import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from bot.nlu.normalize import fold

STALE_AFTER_DAYS = 365
DEFAULT_DISTANCE = 0.65
MAX_QUESTIONS = 5000  # the most recent ones; clustering is quadratic in memory


@dataclass
class QuestionGroup:
    representative: str
    count: int
    examples: List[str]
    decisions: Dict[str, int]
    candidates: List[str]
    first_seen: Optional[dt.datetime]
    last_seen: Optional[dt.datetime]


@dataclass
class FeedbackLine:
    target: str
    title: str
    up: int
    down: int
    reasons: Dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def satisfaction(self) -> float:
        return self.up / self.total if self.total else 0.0


@dataclass
class StaleEntry:
    id: str
    title: str
    kind: str
    reviewed: dt.date
    age_days: int


def group_questions(rows: Sequence[Dict[str, Any]], distance: float = DEFAULT_DISTANCE) -> List[QuestionGroup]:
    """Unanswered question rows (text, decision, candidates, created_at) grouped by similarity."""
    rows = [r for r in rows if (r.get("text") or "").strip()][-MAX_QUESTIONS:]
    if not rows:
        return []
    texts = [r["text"].strip() for r in rows]
    labels = _cluster([fold(t) for t in texts], distance)
    groups: Dict[int, List[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    result = []
    for members in groups.values():
        member_texts = [texts[i] for i in members]
        counts = Counter(fold(t) for t in member_texts)
        representative = next(t for t in member_texts if fold(t) == counts.most_common(1)[0][0])
        distinct = list(dict.fromkeys(member_texts))
        times = [rows[i].get("created_at") for i in members if rows[i].get("created_at")]
        candidates = Counter(c for i in members for c in (rows[i].get("candidates") or "").split(",") if c)
        result.append(QuestionGroup(
            representative=representative, count=len(members),
            examples=[t for t in distinct if t != representative][:4],
            decisions=dict(Counter(rows[i].get("decision") for i in members)),
            candidates=[c for c, _ in candidates.most_common(3)],
            first_seen=min(times) if times else None, last_seen=max(times) if times else None))
    result.sort(key=lambda g: (-g.count, g.representative))
    return result


def _cluster(texts: List[str], distance: float) -> List[int]:
    if len(texts) == 1:
        return [0]
    from scipy.sparse import hstack
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    words = TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w\w+\b", sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        matrix = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    except ValueError:  # only stop characters: one group per distinct text
        order = {t: i for i, t in enumerate(dict.fromkeys(texts))}
        return [order[t] for t in texts]
    distances = cosine_distances(matrix)
    model = AgglomerativeClustering(n_clusters=None, affinity="precomputed", linkage="average",
                                    distance_threshold=distance)
    return list(model.fit_predict(distances))


def worst_feedback(rows: Iterable[Dict[str, Any]], titles: Dict[str, str]) -> List[FeedbackLine]:
    lines: Dict[str, FeedbackLine] = {}
    for row in rows:
        target = row["target"]
        line = lines.setdefault(target, FeedbackLine(target, titles.get(target, target), 0, 0))
        if row["rating"] > 0:
            line.up += 1
        else:
            line.down += 1
            if row.get("reason"):
                line.reasons[row["reason"]] = line.reasons.get(row["reason"], 0) + 1
    # Most net 👎 first, then most 👎 (more evidence), then the lowest share of 👍.
    ordered = sorted(lines.values(), key=lambda l: (-(l.down - l.up), -l.down, l.satisfaction, l.target))
    return ordered


def stale_entries(base, today: Optional[dt.date] = None, after_days: int = STALE_AFTER_DAYS) -> List[StaleEntry]:
    today = today or dt.date.today()
    limit = today - dt.timedelta(days=after_days)
    found = [StaleEntry(e.id, e.title, "fiche", e.reviewed, (today - e.reviewed).days)
             for e in base.entries.values() if e.reviewed < limit]
    found += [StaleEntry(s.id, getattr(s, "title", s.id), "détresse", s.reviewed, (today - s.reviewed).days)
              for s in base.distress.situations if s.reviewed < limit]
    return sorted(found, key=lambda s: (s.reviewed, s.id))


def target_titles(base) -> Dict[str, str]:
    titles = {entry_id: entry.title for entry_id, entry in base.entries.items()}
    try:
        from bot.rules import AIDS
        aids = list(AIDS)
    except Exception:  # pragma: no cover - the rules are optional for the report
        aids = []
    for aid in aids:
        titles[f"eligibilite:{aid}"] = f"Vérification d'éligibilité : {aid}"
    return titles


@dataclass
class EditorsReport:
    generated_at: dt.datetime
    groups: List[QuestionGroup]
    feedback: List[FeedbackLine]
    stale: List[StaleEntry]
    eligibility: List[Dict[str, Any]]
    referrals: List[Dict[str, Any]]
    questions: int
    retention_days: int
    parameters: List[Any] = field(default_factory=list)  # bot.rules.freshness.Unconfirmed
    reasons: Dict[str, str] = field(default_factory=dict)  # 👎 reason code -> its button (dialogue.yml `avis`)

    def reason_label(self, code: str) -> str:
        return self.reasons.get(code, code)


REFERRAL_LABELS = {
    "conseiller": "demande à parler à une personne",
    "detresse": "situation de détresse",
    "saisine": "saisine du service d'accompagnement préparée (professionnels)",
}


def build_report(repository, base, today: Optional[dt.date] = None, distance: float = DEFAULT_DISTANCE,
                 retention_days: int = 30, parameters: Iterable = ()) -> EditorsReport:
    """`parameters`: the rules' parameters (bot.rules), listed when not confirmed for 6 months."""
    from bot.rules.freshness import unconfirmed
    questions = repository.unanswered()
    return EditorsReport(
        generated_at=dt.datetime.now(dt.timezone.utc),
        groups=group_questions(questions, distance),
        feedback=worst_feedback(repository.feedback_rows(), target_titles(base)),
        stale=stale_entries(base, today),
        eligibility=repository.eligibility_counts(),
        referrals=repository.referral_counts(),
        questions=len(questions),
        retention_days=retention_days,
        parameters=unconfirmed(parameters, today),
        reasons=dict(base.dialogue.avis.reasons),
    )


def _date(value: Optional[dt.datetime]) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM…,
# -2+3), also after a tab or a carriage return; full-width forms are folded to them by some. The
# questions are users' texts: such a cell is written with a leading apostrophe (shown as text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: numbers as they are, texts neutralised if needed."""
    if not isinstance(value, str):
        return value
    if value.lstrip(" \u00a0").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, handle) -> None:
        self._writer = csv.writer(handle, delimiter=";")

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])


def write_csv(report: EditorsReport, out: Path) -> Dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"unanswered": out / "questions_sans_reponse.csv", "feedback": out / "avis.csv",
             "stale": out / "fiches_a_relire.csv", "parameters": out / "parametres_a_confirmer.csv"}
    with paths["unanswered"].open("w", newline="", encoding="utf-8") as handle:
        writer = _SafeWriter(handle)
        writer.writerow(["rang", "nombre", "question type", "variantes", "aide (fallback)", "vouliez-vous dire",
                         "réponse peu sûre", "hors sujet (réponse générale)", "fiches proposées", "première fois",
                         "dernière fois"])
        for rank, group in enumerate(report.groups, 1):
            writer.writerow([rank, group.count, group.representative, " | ".join(group.examples),
                             group.decisions.get("fallback", 0), group.decisions.get("clarify", 0),
                             group.decisions.get("low_confidence", 0), group.decisions.get("out_of_scope", 0),
                             ", ".join(group.candidates),
                             _date(group.first_seen), _date(group.last_seen)])
    with paths["feedback"].open("w", newline="", encoding="utf-8") as handle:
        writer = _SafeWriter(handle)
        writer.writerow(["cible", "titre", "pouce levé", "pouce baissé", "satisfaction", "raisons"])
        for line in report.feedback:
            writer.writerow([line.target, line.title, line.up, line.down, f"{line.satisfaction:.0%}",
                             ", ".join(f"{report.reason_label(k)} ({v})" for k, v in sorted(line.reasons.items()))])
    with paths["stale"].open("w", newline="", encoding="utf-8") as handle:
        writer = _SafeWriter(handle)
        writer.writerow(["id", "titre", "type", "relu le", "jours"])
        for entry in report.stale:
            writer.writerow([entry.id, entry.title, entry.kind, entry.reviewed.strftime("%d/%m/%Y"), entry.age_days])
    with paths["parameters"].open("w", newline="", encoding="utf-8") as handle:
        writer = _SafeWriter(handle)
        writer.writerow(["paramètre", "description", "valeur", "confirmé le", "jours", "fichier"])
        for item in report.parameters:
            writer.writerow([item.name, item.description, item.value, item.confirmed_on.strftime("%d/%m/%Y"),
                             item.age_days, item.file])
    return paths


def render_html(report: EditorsReport) -> str:
    e = html.escape
    parts = [
        "<!doctype html>", '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Rapport pour les rédacteurs</title>",
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
        "table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #bbb;padding:.35rem .5rem;"
        "text-align:left;vertical-align:top}th{background:#eef}td.n{text-align:right}small{color:#555}</style>",
        "</head><body>",
        "<h1>Rapport pour les rédacteurs</h1>",
        f"<p>Produit le {report.generated_at.strftime('%d/%m/%Y à %H:%M')} UTC. "
        f"{report.questions} question(s) sans réponse conservée(s) (durée de conservation : "
        f"{report.retention_days} jours). Les textes sont anonymisés à l'enregistrement.</p>",
        '<nav><ul><li><a href="#questions">Questions sans réponse</a></li><li><a href="#avis">Réponses les moins '
        'appréciées</a></li><li><a href="#fiches">Fiches à relire</a></li><li><a href="#parametres">Paramètres à confirmer</a></li><li><a href="#chiffres">Chiffres</a></li>'
        "</ul></nav>",
        '<h2 id="questions">Questions sans réponse les plus fréquentes</h2>',
        "<p><small>Regroupées par similarité. « Aide » : l'assistant n'a rien trouvé ; « Vouliez-vous dire » : "
        "il a hésité entre des fiches ; « Peu sûre » : il a répondu avec une confiance faible (fiche en "
        "colonne « Fiches proposées ») ; « Hors sujet » : il a donné la réponse générale « hors sujet ».</small></p>",
    ]
    if report.groups:
        parts.append('<table><thead><tr><th scope="col">Nombre</th><th scope="col">Question type</th>'
                     '<th scope="col">Variantes</th><th scope="col">Aide / Vouliez-vous dire / Peu sûre / Hors sujet</th>'
                     '<th scope="col">Fiches proposées</th><th scope="col">Dernière fois</th></tr></thead><tbody>')
        for group in report.groups[:100]:
            parts.append(
                f'<tr><td class="n">{group.count}</td><td>{e(group.representative)}</td>'
                f"<td>{'<br>'.join(e(x) for x in group.examples)}</td>"
                f"<td>{group.decisions.get('fallback', 0)} / {group.decisions.get('clarify', 0)} / "
                f"{group.decisions.get('low_confidence', 0)} / {group.decisions.get('out_of_scope', 0)}</td>"
                f"<td>{e(', '.join(group.candidates))}</td><td>{_date(group.last_seen)}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Aucune question sans réponse sur la période.</p>")
    parts.append('<h2 id="avis">Réponses les moins appréciées</h2>')
    if report.feedback:
        parts.append('<table><thead><tr><th scope="col">Réponse</th><th scope="col">👍</th><th scope="col">👎</th>'
                     '<th scope="col">Satisfaction</th><th scope="col">Raisons</th></tr></thead><tbody>')
        for line in report.feedback[:100]:
            reasons = ", ".join(f"{report.reason_label(k)} ({v})" for k, v in sorted(line.reasons.items()))
            parts.append(f"<tr><td>{e(line.title)} <small>({e(line.target)})</small></td><td class=\"n\">{line.up}</td>"
                         f'<td class="n">{line.down}</td><td class="n">{line.satisfaction:.0%}</td><td>{e(reasons)}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Aucun avis pour l'instant.</p>")
    parts.append(f'<h2 id="fiches">Fiches non relues depuis plus de 12 mois</h2>')
    if report.stale:
        parts.append('<table><thead><tr><th scope="col">Fiche</th><th scope="col">Type</th><th scope="col">Relue le</th>'
                     '<th scope="col">Il y a (jours)</th></tr></thead><tbody>')
        for entry in report.stale:
            parts.append(f"<tr><td>{e(entry.title)} <small>({e(entry.id)})</small></td><td>{e(entry.kind)}</td>"
                         f'<td>{entry.reviewed.strftime("%d/%m/%Y")}</td><td class="n">{entry.age_days}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Toutes les fiches ont été relues dans les 12 derniers mois.</p>")
    parts.append('<h2 id="parametres">Paramètres des règles non confirmés depuis plus de 6 mois</h2>')
    if report.parameters:
        parts.append("<p><small>Relisez la source de chaque valeur, puis mettez à jour la valeur ou "
                     "« last_value_still_valid_on » dans le fichier indiqué.</small></p>")
        parts.append('<table><thead><tr><th scope="col">Paramètre</th><th scope="col">Valeur</th>'
                     '<th scope="col">Confirmé le</th><th scope="col">Il y a (jours)</th></tr></thead><tbody>')
        for item in report.parameters:
            parts.append(f"<tr><td>{e(item.description)} <small>({e(item.name)}, {e(item.file)})</small></td>"
                         f"<td>{e(str(item.value))}</td><td>{item.confirmed_on.strftime('%d/%m/%Y')}</td>"
                         f'<td class="n">{item.age_days}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Tous les paramètres en vigueur ont été confirmés dans les 6 derniers mois.</p>")
    parts.append('<h2 id="chiffres">Chiffres (sans données personnelles)</h2>')
    parts.append('<h3>Vérifications d\'éligibilité</h3>')
    if report.eligibility:
        parts.append('<table><thead><tr><th scope="col">Aide</th><th scope="col">Résultat</th>'
                     '<th scope="col">Nombre</th></tr></thead><tbody>')
        parts += [f"<tr><td>{e(r['aid'])}</td><td>{e(r['outcome'])}</td><td class=\"n\">{r['count']}</td></tr>"
                  for r in report.eligibility]
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Aucune vérification.</p>")
    parts.append("<h3>Orientations vers un conseiller et saisines préparées</h3>")
    if report.referrals:
        parts.append('<table><thead><tr><th scope="col">Motif</th><th scope="col">Sujet</th>'
                     '<th scope="col">Nombre</th></tr></thead><tbody>')
        parts += [f"<tr><td>{e(REFERRAL_LABELS.get(r['reason'], r['reason']))}</td><td>{e(r['topic'])}</td>"
                  f"<td class=\"n\">{r['count']}</td></tr>" for r in report.referrals]
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Aucune orientation.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(report: EditorsReport, out: Path) -> Dict[str, Path]:
    paths = write_csv(report, out)
    paths["html"] = out / "rapport.html"
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths
