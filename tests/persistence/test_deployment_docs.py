"""docs/deploy/compose.yml is documentation (no Docker engine here): check it against the code, so
that it cannot silently drift — services, variables, health routes, proxy upstreams, image contents."""

import re
from pathlib import Path

import yaml

from bot.channels.health import HealthInput

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
NGINX = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
SERVICES = COMPOSE["services"]
RASA = sorted(name for name in SERVICES if name.startswith("rasa-"))
ACTIONS = sorted(name for name in SERVICES if name.startswith("actions-"))
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def env(service):
    return SERVICES[service]["environment"]


def referenced(path):
    """`${VAR}` references in the values of a YAML file (not in its comments)."""
    def values(node):
        if isinstance(node, dict):
            return [v for item in node.values() for v in values(item)]
        return [str(node)] if node is not None else []
    return {name for value in values(yaml.safe_load((ROOT / path).read_text(encoding="utf-8")))
            for name in REFERENCE.findall(value)}


def source_text():
    files = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("actions/*.py"), ROOT / "endpoints.yml", ROOT / "credentials.yml"]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_the_layout_has_replicas_a_database_redis_and_a_proxy():
    assert len(RASA) >= 2 and len(ACTIONS) >= 2
    assert {"proxy", "postgres", "redis"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"].startswith("postgres:") and SERVICES["redis"]["image"].startswith("redis:")
    for name in RASA + ACTIONS:
        assert {"postgres"} <= set(SERVICES[name]["depends_on"]), name
    assert all("redis" in SERVICES[name]["depends_on"] for name in RASA)


def test_every_rasa_replica_shares_the_tracker_database_and_the_lock_store():
    urls = {env(name)["TRACKER_URL"] for name in RASA + ACTIONS} | {env(name)["BOT_DATABASE_URL"] for name in ACTIONS}
    assert len(urls) == 1 and urls.pop().startswith("postgresql://")
    for name in RASA:
        variables = env(name)
        assert variables["LOCK_STORE_URL"].startswith("redis://redis:")
        assert variables["LOCK_STORE_PREFIX"].isalnum()
        assert variables["ACTION_ENDPOINT_URL"].endswith("/webhook")
        assert variables["TRACKER_SENDER_KEY"].startswith("${")  # the same secret on every replica
        # Every variable endpoints.yml and credentials.yml refer to is provided.
        assert referenced("endpoints.yml") <= set(variables), referenced("endpoints.yml") - set(variables)
        assert referenced("credentials.yml") <= set(variables), referenced("credentials.yml") - set(variables)
    for name in ACTIONS:
        assert int(env(name)["RETENTION_DAYS"]) >= 1 and int(env(name)["PURGE_INTERVAL_SECONDS"]) > 0


def test_every_variable_is_one_the_code_reads():
    code = source_text()
    for name in RASA + ACTIONS:
        for variable in env(name):
            assert variable in code or variable.startswith(("SANIC_", "ACTION_SERVER_", "RASA_")), (name, variable)


def test_no_secret_is_written_in_the_file():
    text = (DEPLOY / "compose.yml").read_text(encoding="utf-8")
    for match in re.finditer(r"^\s+[A-Z_]*(?:PASSWORD|SECRET|TOKEN|KEY|SID)[A-Z_]*:\s*(\S+)", text, re.M):
        assert match.group(1).startswith("${"), match.group(0)
    assert re.search(r"postgresql://assistant:\$\{POSTGRES_PASSWORD:\?\}@", text)


def test_health_checks_use_the_servers_health_routes():
    assert HealthInput.name() == "health"
    for name in RASA:
        assert "/webhooks/health" in " ".join(SERVICES[name]["healthcheck"]["test"])
    assert '"/status"' in (ROOT / "actions" / "server.py").read_text(encoding="utf-8")
    for name in ACTIONS:
        assert "/status" in " ".join(SERVICES[name]["healthcheck"]["test"])


def test_the_proxy_balances_every_replica_and_hides_the_internals():
    rasa_upstream = re.search(r"upstream rasa \{(.*?)\}", NGINX, re.S).group(1)
    actions_upstream = re.search(r"upstream actions \{(.*?)\}", NGINX, re.S).group(1)
    assert all(f"server {name}:5005" in rasa_upstream for name in RASA)
    assert all(f"server {name}:5055" in actions_upstream for name in ACTIONS)
    action_url = env(RASA[0])["ACTION_ENDPOINT_URL"]
    assert action_url.startswith("http://proxy:5055/") and "listen 5055;" in NGINX
    assert "location /webhooks/health { return 404; }" in NGINX and "location / { return 404; }" in NGINX
    assert "ports" not in SERVICES["postgres"] and "ports" not in SERVICES["redis"]
    assert COMPOSE["networks"]["internal"]["internal"] is True
    assert str(SERVICES["proxy"]["volumes"][0]).startswith("./nginx.conf:")


def test_the_image_copies_what_exists():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                if source != "models/assistant.tar.gz":  # built by `make train` before the image
                    assert (ROOT / source).exists(), source
    assert "--no-deps -r requirements.lock" in dockerfile
    assert SERVICES[RASA[0]]["build"]["dockerfile"] == "docs/deploy/Dockerfile"


def test_the_deployment_guide_documents_every_variable():
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "deploy/compose.yml" in guide
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", guide))
    ours = {v for name in RASA + ACTIONS for v in env(name)} - {
        "RASA_TELEMETRY_ENABLED", "KNOWLEDGE_DIR", "KNOWLEDGE_SNAPSHOT", "SANIC_REQUEST_MAX_SIZE",
        "ACTION_SERVER_SANIC_WORKERS", "STAFF_JWT_SECRET", "TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN",
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WEBHOOK_URL"}  # docs/channels.md, README
    assert ours <= documented, ours - documented
