"""Action server entry point: rasa_sdk's app, on localhost by default, plus status routes and the
retention purge on a schedule.

- GET /health (rasa_sdk): the process answers.
- GET /knowledge/status: what knowledge/ content is served, the last refused edit.
- GET /status: the bot's database (reachable, schema revision, last purge), knowledge, purge
  schedule; 200 when the database and the knowledge are fine, 503 otherwise (no personal data).
Before each request, changed knowledge/ files are read and validated in the knowledge store's
thread (`refresh`), not on the event loop: the actions' `current()` then has the new version at once.
The bot's tables are migrated (Alembic) at start-up; the purge runs every PURGE_INTERVAL_SECONDS
(bot/persistence/maintenance.py).
"""

import argparse
import asyncio
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response

from actions.knowledge_store import knowledge_store
from bot.knowledge import KnowledgeErrors
from bot.persistence.logs import error_summary, log_event
from bot.persistence.maintenance import PurgeSchedule
from bot.persistence.repository import default_repository

logger = logging.getLogger(__name__)


def build_app(schedule: PurgeSchedule = None):
    app = create_app("actions")
    schedule = schedule or PurgeSchedule()

    @app.middleware("request")
    async def fresh_knowledge(_request):
        await knowledge_store().refresh()  # a changed file read off the event loop (issue 15)

    @app.get("/knowledge/status")
    async def knowledge_status(_request):
        status = knowledge_store().status_report()
        return response.json(status, status=200 if status["entries"] else 503)

    @app.get("/status")
    async def status(_request):
        database = await asyncio.get_running_loop().run_in_executor(None, default_repository().health)
        knowledge = knowledge_store().status_report()
        healthy = database.get("ok") and knowledge["entries"] > 0
        body = {"status": "ok" if healthy else "degraded", "database": database, "knowledge": knowledge,
                "purge": schedule.state()}
        return response.json(body, status=200 if healthy else 503)

    @app.listener("after_server_start")
    async def start_schedule(app_, _loop):
        app_.add_task(schedule.run())

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serveur d'actions de l'assistant Action Logement")
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", "5055")))
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        knowledge_store().current()  # load (and report) the contents before the first message
    except KnowledgeErrors as exc:
        logging.getLogger(__name__).error(exc.report())
    try:
        default_repository().ensure_schema()  # Alembic upgrade of the bot's tables
    except Exception as exc:  # the database may come later: recording retries, /status tells
        log_event(logger, logging.ERROR, "bot_db.migration_failed", error=error_summary(exc))
    build_app().run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
