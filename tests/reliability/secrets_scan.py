"""Look for secrets in the files git would commit (tracked, and untracked but not ignored).

Two kinds of findings:
- credentials with a recognisable format (private keys, cloud and chat tokens, Telegram bot tokens,
  Twilio SIDs, signed JWTs, URLs with a password);
- a string literal that looks random (long, high entropy) given to a name that says it is secret
  (password, secret, token, api_key…), in code or configuration.
The test values of tests/channels/fake_provider.py are allowed by name, nothing else.
`python -m tests.reliability.secrets_scan` prints the findings."""

import math
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List

from tests.channels import fake_provider as fake

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 2_000_000

FORMATS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}\b"),
    "Telegram bot token": re.compile(r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b"),
    "Twilio SID": re.compile(r"\b(?:AC|SK)[0-9a-f]{32}\b"),
    "signed JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"),
    "URL with a password": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:([^\s@/'\"$<>{}]{4,})@[^\s'\"]+"),
}
SECRET_NAME = re.compile(r"(?i)(passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|auth|credential)"
                         r"[A-Za-z0-9_]*[\"']?\s*[:=]\s*[bru]?[\"']([^\"'\s]{16,})[\"']")
# Obvious placeholders in examples and docs.
PLACEHOLDER = re.compile(r"(?i)^(?:x+|\*+|\.+|changeme|change-me|pass|password|passwd|pwd|mdp|motdepasse|secret|test|"
                         r"example|placeholder|your[_-].*|<.*>|\$\{.*\}|.*\.\.\.|.*…)$")
# Test values of the fake providers (tests/channels/fake_provider.py), made up for the tests.
ALLOWED = {fake.TELEGRAM_TOKEN, fake.TELEGRAM_SECRET, fake.TWILIO_ACCOUNT_SID, fake.TWILIO_AUTH_TOKEN, fake.STAFF_SECRET}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.excerpt}"


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_random(value: str) -> bool:
    classes = sum(bool(re.search(pattern, value)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[_\-+/=]"))
    return len(value) >= 20 and entropy(value) >= 4.0 and classes >= 3 and not PLACEHOLDER.match(value)


def committable_files(root: Path = PROJECT_ROOT) -> List[Path]:
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                             capture_output=True, check=True).stdout.decode("utf-8", "replace")
    return [root / name for name in listing.split("\0") if name and (root / name).is_file()]


def scan_text(path: str, text: str) -> Iterable[Finding]:
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in FORMATS.items():
            for match in pattern.finditer(line):
                value = match.group(0)
                if value in ALLOWED:
                    continue
                if kind == "URL with a password" and PLACEHOLDER.match(match.group(1)):
                    continue
                yield Finding(path, number, kind, value[:12] + "…")
        for match in SECRET_NAME.finditer(line):
            if looks_random(match.group(2)) and match.group(2) not in ALLOWED:
                yield Finding(path, number, f"random-looking value for « {match.group(1)} »", match.group(2)[:6] + "…")


def scan(root: Path = PROJECT_ROOT) -> List[Finding]:
    findings: List[Finding] = []
    for path in committable_files(root):
        try:
            raw = path.read_bytes()[:MAX_BYTES]
        except OSError:
            continue
        if b"\0" in raw[:4096]:  # binary
            continue
        findings += scan_text(path.relative_to(root).as_posix(), raw.decode("utf-8", "replace"))
    return findings


if __name__ == "__main__":
    found = scan()
    print("\n".join(map(str, found)) or "aucun secret trouvé")
    sys.exit(1 if found else 0)
