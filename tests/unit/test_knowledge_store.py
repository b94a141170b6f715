"""Hot reload: valid edits are served on the next call, invalid ones never; restarts keep the last valid content."""

import os

from bot.knowledge import KnowledgeStore
from tests.knowledge_factory import entry, write_knowledge


def bump(path):
    """Make sure the modification time changes even on coarse file systems."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_valid_edit_is_served_on_next_call(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    store = KnowledgeStore(root, tmp_path / "snap.json")
    assert store.current().answer_text("visale_couple", "tous") == "Réponse de visale_couple."
    path = root / "faq" / "visale.yml"
    path.write_text(path.read_text().replace("Réponse de visale_couple.", "Nouvelle réponse."))
    bump(path)
    assert store.current().answer_text("visale_couple", "tous") == "Nouvelle réponse."
    assert store.status.source == "files" and not store.status.errors


def test_invalid_edit_is_refused_and_old_content_kept_until_fixed(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    store = KnowledgeStore(root, tmp_path / "snap.json")
    store.current()
    path = root / "faq" / "visale.yml"
    good = path.read_text()
    path.write_text(good.replace("answer: Réponse de visale_couple.", "answr: oups"))
    bump(path)
    assert store.current().answer_text("visale_couple", "tous") == "Réponse de visale_couple."
    assert store.status.errors and store.status.as_dict()["valid"] is False
    assert any("answr" in error for error in store.status.as_dict()["errors"])
    path.write_text(good.replace("Réponse de visale_couple.", "Corrigée."))
    bump(path)
    assert store.current().answer_text("visale_couple", "tous") == "Corrigée."
    assert store.status.as_dict()["valid"] is True


def test_deleted_file_is_an_invalid_edit(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    store = KnowledgeStore(root, tmp_path / "snap.json")
    store.current()
    (root / "dialogue.yml").unlink()
    assert store.current().messages.fallback == "Je n'ai pas compris."
    assert "dialogue.yml" in store.status.as_dict()["errors"][0]


def test_restart_with_broken_files_serves_the_snapshot(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    KnowledgeStore(root, tmp_path / "snap.json").current()
    (root / "faq" / "visale.yml").write_text("entries: [")
    restarted = KnowledgeStore(root, tmp_path / "snap.json")
    assert restarted.current().answer_text("visale_couple", "tous") == "Réponse de visale_couple."
    assert restarted.status.source == "snapshot" and restarted.status.errors


def test_no_valid_content_at_all_raises(tmp_path):
    import pytest
    from bot.knowledge import KnowledgeErrors

    root = write_knowledge(tmp_path / "knowledge")
    (root / "faq" / "visale.yml").write_text("entries: [")
    with pytest.raises(KnowledgeErrors):
        KnowledgeStore(root, tmp_path / "missing.json").current()


def test_rules_aids_and_knowledge_aids_agree():
    from bot.knowledge.schema import ELIGIBILITY_AIDS
    from bot.rules import AIDS

    assert set(ELIGIBILITY_AIDS) == set(AIDS)


def test_entries_never_disappear_while_running(tmp_path):
    """A FAQ file deleted (or an entry renamed) while the bot runs: the model still offers those
    entries, so the previous version stays served until the next start (after `make train`)."""
    root = write_knowledge(tmp_path / "knowledge", {"visale.yml": [entry("visale_couple")],
                                                    "alin.yml": [entry("alin_inscription")]})
    store = KnowledgeStore(root, tmp_path / "snap.json")
    assert set(store.current().entries) == {"visale_couple", "alin_inscription"}
    (root / "faq" / "alin.yml").unlink()
    assert set(store.current().entries) == {"visale_couple", "alin_inscription"}
    assert "alin_inscription" in store.status.as_dict()["errors"][0]
    assert set(KnowledgeStore(root, tmp_path / "snap.json").current().entries) == {"visale_couple"}  # next start


def test_the_servers_store_comes_from_the_environment_and_the_rasa_side_never_writes_the_snapshot(tmp_path,
                                                                                                 monkeypatch):
    root = write_knowledge(tmp_path / "knowledge")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(root))
    monkeypatch.setenv("KNOWLEDGE_SNAPSHOT", str(tmp_path / "var" / "snap.json"))
    reader = KnowledgeStore.from_environment(write_snapshot=False)
    assert (reader.root, reader.snapshot) == (root, tmp_path / "var" / "snap.json")
    assert set(reader.current().entries) == {"visale_couple", "visale_demande"}
    assert not (tmp_path / "var" / "snap.json").exists()
    writer = KnowledgeStore.from_environment()
    writer.current()
    assert (tmp_path / "var" / "snap.json").is_file()


def test_status_report_loads_first_and_tells_an_invalid_folder_without_raising(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    (root / "dialogue.yml").write_text("messages: [oups\n", encoding="utf-8")
    report = KnowledgeStore(root, tmp_path / "snap.json").status_report()
    assert (report["source"], report["entries"], report["valid"]) == ("none", 0, False)
    assert any("dialogue.yml" in error for error in report["errors"])
    good = KnowledgeStore(write_knowledge(tmp_path / "other"), tmp_path / "snap2.json").status_report()
    assert (good["source"], good["entries"], good["valid"], good["errors"]) == ("files", 2, True, [])
