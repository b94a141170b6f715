"""The layers the README claims, checked by import-linter (contracts in .importlinter): the library's core
packages import neither Rasa, rasa_sdk nor SQLAlchemy (not even indirectly), the library never imports the
actions, and the actions only adapt rasa_sdk to the library."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_layer_contract_is_kept():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config", str(ROOT / ".importlinter")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_a_rasa_import_in_the_core_breaks_the_contract(tmp_path):
    """The contract is no formality: the same check on a copy of the library with one Rasa import fails."""
    copy = tmp_path / "project"
    subprocess.run(["cp", "-r", str(ROOT / "bot"), str(ROOT / "actions"), str(ROOT / ".importlinter"), str(tmp_path)],
                   check=True)
    copy.mkdir()
    for name in ("bot", "actions", ".importlinter"):
        (tmp_path / name).rename(copy / name)
    rules = copy / "bot" / "rules" / "verdict.py"
    rules.write_text("import rasa.shared.constants  # noqa\n" + rules.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config", ".importlinter"],
                            cwd=copy, capture_output=True, text=True, timeout=300,
                            env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0 and "BROKEN" in result.stdout and "bot.rules.verdict" in result.stdout
