"""The root conftest imports neither SQLAlchemy nor aiohttp nor Rasa: `pytest tests/rules` (pure rules)
runs alone, without the servers' libraries (issue 18, item 5)."""

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "aiohttp", "rasa", "tensorflow")


def test_root_conftest_loads_no_server_library():
    code = ("import sys, tests.conftest; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120, env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""
