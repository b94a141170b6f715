"""`make run`: start the action server and the Rasa server on localhost, wait until both answer.

`make run WORKERS=2` starts two Rasa processes (one per core) behind a round-robin proxy on the
usual port (bot/cli/proxy.py), sharing the tracker store and a Redis lock store (LOCK_STORE_URL),
as the replica tests and docs/deployment.md do; each process then runs TensorFlow on one thread.
The same `Stack` is used by the end-to-end tests (one stack per test session) and `make bench`.
"""

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bot.persistence.config import dev_sender_key

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = PROJECT_ROOT / "models" / "assistant.tar.gz"
CREDENTIALS = PROJECT_ROOT / "credentials.yml"
DEV_JWT_SECRET = PROJECT_ROOT / "var" / "dev-jwt-secret"
ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Largest request body the Rasa server reads (Sanic's default is 100 MB): webhooks are a few kB, a
# message at most MAX_MESSAGE_LENGTH characters. A larger body gets 413 before any of our code runs.
RASA_REQUEST_MAX_SIZE = 1_000_000
CHANNEL_LABELS = {
    "bot.channels.public_rest.PublicRestInput": "REST public",
    "bot.channels.staff.StaffInput": "staff (widget intranet)",
    "bot.channels.telegram.TelegramInput": "Telegram",
    "bot.channels.twilio.TwilioInput": "Twilio (SMS / WhatsApp)",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?")


def cors_arguments(value: str) -> List[str]:
    """`rasa run` arguments for RASA_CORS: nothing when empty (no cross-origin access), else
    `--cors` and each origin (comma or space separated, scheme://host[:port], never "*")."""
    origins = [o.strip().rstrip("/") for o in re.split(r"[\s,]+", value or "") if o.strip()]
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ValueError(f"RASA_CORS : origine attendue (https://intranet.exemple.fr), reçu « {origin} » "
                             "(« * » n'est pas accepté : il ouvrirait le canal staff à n'importe quel site)")
    return ["--cors", *origins] if origins else []


def wait_http(url: str, timeout: float, process: Optional[subprocess.Popen] = None) -> None:
    """Wait until `url` answers 2xx; fail early if `process` died."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"le processus s'est arrêté (code {process.returncode}) avant de répondre sur {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if 200 <= response.status < 300:
                    return
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            last_error = exc
        time.sleep(0.3)
    raise TimeoutError(f"{url} ne répond pas après {timeout:.0f} s ({last_error})")


def write_run_credentials(source: Path, env: Dict[str, str], out: Path) -> Tuple[List[str], Dict[str, List[str]]]:
    """Write the credentials file Rasa reads for this run: the channels of `source` whose `${VAR}`
    references are all set in `env`. The references are kept as they are (Rasa expands them), so no
    secret is written to disk. Returns the enabled channels and, for the others, the missing variables."""
    channels = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    enabled: List[str] = []
    disabled: Dict[str, List[str]] = {}
    lines = [f"# Generated from {source.name} by bot/cli/serve.py for this run: do not edit.", ""]
    for channel, settings in channels.items():
        settings = settings or {}
        if not isinstance(settings, dict) or not all(isinstance(v, (str, int, float, bool)) for v in settings.values()):
            raise ValueError(f"{source.name} : réglages de {channel} : valeurs simples attendues")
        missing = sorted({name for value in settings.values() for name in ENV_REFERENCE.findall(str(value))
                          if not env.get(name)})
        if missing:
            disabled[channel] = missing
            continue
        enabled.append(channel)
        lines.append(f"{channel}:")
        lines += [f"  {key}: {value}" for key, value in settings.items()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return enabled, disabled


def dev_jwt_secret(path: Path = DEV_JWT_SECRET) -> str:
    """A random development secret for the staff channel, kept in var/ (never committed)."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass
class Stack:
    """An action server and a Rasa server, both on 127.0.0.1."""

    model: Path = DEFAULT_MODEL
    rasa_port: int = 5005
    action_port: int = 5055
    tracker_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
    lock_store_url: str = ""  # "" = in memory (one Rasa process); redis://… for several replicas
    rasa_workers: int = 1  # Rasa processes; more than one: behind a proxy on rasa_port, a Redis lock store
    bot_database_url: str = ""  # the bot's own tables; "" = the tracker's database
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    log_dir: Path = PROJECT_ROOT / "var" / "log"
    extra_env: Dict[str, str] = field(default_factory=dict)
    credentials: Path = CREDENTIALS
    # Browsers' cross-origin access: none by default (the widget and its demo page are same-origin);
    # RASA_CORS lists the intranet origins that embed the widget from elsewhere (never "*").
    cors: str = field(default_factory=lambda: os.environ.get("RASA_CORS", ""))
    processes: List[subprocess.Popen] = field(default_factory=list)
    channels: List[str] = field(default_factory=list)
    disabled_channels: Dict[str, List[str]] = field(default_factory=dict)
    named: Dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rasa_workers < 1:
            raise ValueError(f"au moins un serveur Rasa (WORKERS={self.rasa_workers})")
        if self.rasa_workers > 1 and not self.lock_store_url.startswith(("redis://", "rediss://")):
            raise ValueError(f"WORKERS={self.rasa_workers} : plusieurs serveurs Rasa doivent partager un verrou "
                             "Redis (LOCK_STORE_URL=redis://127.0.0.1:6379/1)")
        self.replica_ports = [self.rasa_port] if self.rasa_workers == 1 else \
            [free_port() for _ in range(self.rasa_workers)]

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        dialect = self.tracker_url.split(":", 1)[0].split("+", 1)[0]
        env.update({
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": str(PROJECT_ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "ACTION_ENDPOINT_URL": f"{self.action_url}/webhook",
            "TRACKER_DIALECT": dialect,
            "TRACKER_URL": self.tracker_url,
            "BOT_DATABASE_URL": self.bot_database_url or self.tracker_url,
            "LOCK_STORE_URL": self.lock_store_url,
            "LOCK_STORE_PREFIX": os.environ.get("LOCK_STORE_PREFIX", ""),
            "KNOWLEDGE_DIR": str(self.knowledge_dir),
        })
        if self.rasa_workers > 1:  # one core per process: TensorFlow's thread pools would contend
            env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "1")
            env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "1")
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: List[str], env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env or self.env(), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        self.named[name] = process
        return process

    def stop_process(self, name: str, timeout: float = 20) -> None:
        """Stop one of the stack's servers ("actions" or "rasa"), e.g. to test what users get meanwhile."""
        process = self.named.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process in self.processes:
            self.processes.remove(process)

    def start_actions(self, timeout: float = 60) -> subprocess.Popen:
        process = self._spawn("actions", [sys.executable, "-m", "actions.server", "--port", str(self.action_port)])
        wait_http(f"{self.action_url}/health", timeout, process)
        return process

    def start_rasa(self, timeout: float = 180) -> subprocess.Popen:
        if not Path(self.model).is_file():
            raise FileNotFoundError(f"modèle introuvable : {self.model} (lancez `make train`)")
        if self.tracker_url.startswith("sqlite:///"):
            Path(self.tracker_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        run_credentials = self.log_dir.parent / "credentials.run.yml"
        self.channels, self.disabled_channels = write_run_credentials(self.credentials, self.env(), run_credentials)
        env = self.env()
        env.setdefault("SANIC_REQUEST_MAX_SIZE", str(RASA_REQUEST_MAX_SIZE))  # only the Rasa server: the
        # action server receives whole trackers, which grow with long conversations
        replicas = [self._spawn(self.replica_name(index), [
            sys.executable, "-m", "bot.rasa_components", "run",  # Rasa's `run`, the project's changes installed
            "--model", str(self.model),
            "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
            "--credentials", str(run_credentials),
            "--interface", "127.0.0.1", "--port", str(port),
            *cors_arguments(self.cors),
        ], env) for index, port in enumerate(self.replica_ports)]  # loading together, one per core
        for process, port in zip(replicas, self.replica_ports):
            wait_http(f"http://127.0.0.1:{port}/", timeout, process)
        if self.rasa_workers > 1:
            proxy = self._spawn("proxy", [sys.executable, "-m", "bot.cli.proxy", "--port", str(self.rasa_port),
                                          *[f"http://127.0.0.1:{port}" for port in self.replica_ports]])
            wait_http(f"{self.rasa_url}/", timeout, proxy)
        return replicas[0]

    @staticmethod
    def replica_name(index: int) -> str:
        """"rasa" for the first Rasa process (the only one by default), then "rasa-2", "rasa-3"…"""
        return "rasa" if index == 0 else f"rasa-{index + 1}"

    def start(self) -> "Stack":
        try:
            self.start_actions()
            self.start_rasa()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        self.named.clear()


def describe_url(url: str) -> str:
    """A database URL without its password (for messages)."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def retention_days() -> str:
    return os.environ.get("RETENTION_DAYS") or "30"


def ready_message(stack: Stack, demo: bool) -> str:
    staff = f"{stack.rasa_url}/webhooks/staff"
    lines = [
        "",
        "L'assistant est prêt.",
        f"  REST (public)  : POST {stack.rasa_url}/webhooks/rest/webhook "
        '{"sender": "moi", "message": "visale pour un couple ?"}',
        f"  exemple        : curl -s -X POST {stack.rasa_url}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' -d '{\"sender\":\"moi\",\"message\":\"visale pour un couple ?\"}'",
    ]
    if "bot.channels.staff.StaffInput" in stack.channels:
        if demo:
            lines.append(f"  widget (démo)  : {staff}/demo  (page intranet de démonstration, à ouvrir dans un navigateur)")
        lines.append(f"  staff (JWT)    : POST {staff}/webhook (jeton : make token), widget : {staff}/widget.js")
    for channel, missing in stack.disabled_channels.items():
        lines.append(f"  désactivé      : {CHANNEL_LABELS.get(channel, channel)} (variables absentes : {', '.join(missing)})")
    for channel in stack.channels:
        if channel in ("bot.channels.telegram.TelegramInput", "bot.channels.twilio.TwilioInput"):
            name = "telegram" if "telegram" in channel else "twilio"
            lines.append(f"  {CHANNEL_LABELS[channel]:<14} : {stack.rasa_url}/webhooks/{name}/webhook")
    lines += [
        *([f"  serveurs Rasa  : {stack.rasa_workers} processus derrière le répartiteur de {stack.rasa_url} "
            f"(verrous : {describe_url(stack.lock_store_url)})"] if stack.rasa_workers > 1 else []),
        f"  actions        : {stack.action_url}/health, contenus : {stack.action_url}/knowledge/status",
        f"  santé          : {stack.rasa_url}/webhooks/health (serveur Rasa), {stack.action_url}/status (actions)",
        f"  conversations  : {describe_url(stack.tracker_url)} (conservation : {retention_days()} jours, make purge)",
        f"  journaux       : {stack.log_dir}",
        "Ctrl-C pour arrêter.",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Démarre l'assistant (serveur Rasa + serveur d'actions).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", "5055")))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--tracker-url", default=os.environ.get("TRACKER_URL", Stack.tracker_url))
    parser.add_argument("--lock-store-url", default=os.environ.get("LOCK_STORE_URL", ""),
                        help="redis://… pour partager les verrous entre plusieurs serveurs Rasa")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS") or 1),
                        help="serveurs Rasa derrière un répartiteur sur --port (plus d'un : --lock-store-url)")
    args = parser.parse_args(argv)
    extra_env = {}
    demo = os.environ.get("STAFF_DEMO") == "1"
    if demo and not os.environ.get("STAFF_JWT_SECRET"):
        extra_env["STAFF_JWT_SECRET"] = dev_jwt_secret()  # development only; `make token` reads it too
    if not os.environ.get("TRACKER_SENDER_KEY"):
        # The key of the stored conversation ids, kept in var/tracker-sender-key (`make purge` reads it
        # too); production sets TRACKER_SENDER_KEY, the same on every replica.
        extra_env["TRACKER_SENDER_KEY"] = dev_sender_key()
    try:
        stack = Stack(model=args.model, rasa_port=args.port, action_port=args.action_port,
                      tracker_url=args.tracker_url, lock_store_url=args.lock_store_url, rasa_workers=args.workers,
                      extra_env=extra_env)
    except ValueError as exc:
        print(f"Échec du démarrage : {exc}", file=sys.stderr)
        return 1
    print("Démarrage du serveur d'actions et du serveur Rasa (environ 30 s)…", flush=True)
    try:
        stack.start()
    except (RuntimeError, TimeoutError, FileNotFoundError, ValueError) as exc:
        print(f"Échec du démarrage : {exc}\nJournaux : {stack.log_dir}", file=sys.stderr)
        return 1
    print(ready_message(stack, demo), flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and all(p.poll() is None for p in stack.processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    died = [p for p in stack.processes if p.poll() is not None]
    stack.stop()
    if died and not stopping:
        print(f"Un serveur s'est arrêté de façon inattendue ; voir {stack.log_dir}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
