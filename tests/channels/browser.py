"""Browser-test support: Debian's Chromium driven by Playwright, and axe-core from the npm registry.

Never a downloaded browser build (`playwright install` cannot work offline) and never a CDN at run
time: axe-core is fetched once with `npm pack` at a pinned version, checked against its pinned
integrity, and kept in .cache/ (gitignored).
"""

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_DIR = PROJECT_ROOT / ".cache" / f"axe-core-{AXE_VERSION}"


def chromium_missing_reason() -> str:
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} introuvable : apt-get install -y chromium (fait par .ci/run)"
    return ""


def axe_source() -> str:
    """axe.min.js of the pinned axe-core (fetched with npm on first use)."""
    script = AXE_DIR / "axe.min.js"
    if script.is_file():
        return script.read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if not npm:
        raise RuntimeError("npm introuvable : nécessaire une fois pour récupérer axe-core")
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", str(AXE_DIR)],
                   check=True, cwd=AXE_DIR, stdout=subprocess.DEVNULL, timeout=300)
    tarball = AXE_DIR / f"axe-core-{AXE_VERSION}.tgz"
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != AXE_INTEGRITY:
        tarball.unlink()
        raise RuntimeError(f"axe-core {AXE_VERSION} : empreinte inattendue {digest}")
    with tarfile.open(tarball) as archive:
        member = archive.getmember("package/axe.min.js")
        script.write_bytes(archive.extractfile(member).read())
    tarball.unlink()
    return script.read_text(encoding="utf-8")
