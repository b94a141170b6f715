"""The retention purge on a schedule, for a long-running process (the action server).

`PurgeSchedule(interval).run()` purges once shortly after start, then every `interval` seconds
(PURGE_INTERVAL_SECONDS, 6 h by default; 0 disables it), in a worker thread, logging each run and
keeping the last result and error for the /status route. Several action servers may each run it:
the purge is idempotent.
"""

import asyncio
import logging
import time
from typing import Any, Dict, Optional

from bot.persistence.config import purge_interval_seconds, retention_days, tracker_url
from bot.persistence.db import create_engine
from bot.persistence.logs import error_summary, log_event
from bot.persistence.repository import Repository, default_repository
from bot.persistence.retention import purge

logger = logging.getLogger(__name__)
FIRST_RUN_DELAY = 5.0


class PurgeSchedule:
    def __init__(self, interval: Optional[float] = None, repository: Optional[Repository] = None,
                 tracker: Optional[str] = None, first_delay: float = FIRST_RUN_DELAY) -> None:
        self.interval = purge_interval_seconds() if interval is None else interval
        self._repository = repository
        self._tracker_url = tracker
        self._tracker_engine = None
        self.first_delay = min(first_delay, self.interval) if self.interval > 0 else first_delay
        self.runs = 0
        self.last_result: Optional[Dict[str, Any]] = None
        self.last_error: Optional[str] = None
        self.last_run_at: Optional[float] = None

    @property
    def repository(self) -> Repository:
        return self._repository or default_repository()

    def _tracker(self):
        url = self._tracker_url or tracker_url()
        if self.repository.url == url:
            return self.repository.engine
        if self._tracker_engine is None:
            self._tracker_engine = create_engine(url)
        return self._tracker_engine

    def run_once(self) -> Dict[str, Any]:
        self.last_run_at = time.time()
        try:
            result = purge(self._tracker(), self.repository, retention_days()).as_dict()
        except Exception as exc:
            self.last_error = error_summary(exc)
            log_event(logger, logging.ERROR, "retention.purge_failed", error=self.last_error)
            raise
        self.runs += 1
        self.last_result, self.last_error = result, None
        return result

    async def run(self) -> None:
        if self.interval <= 0:
            log_event(logger, logging.INFO, "retention.schedule_disabled")
            return
        loop = asyncio.get_running_loop()
        await asyncio.sleep(self.first_delay)
        while True:
            try:
                await loop.run_in_executor(None, self.run_once)
            except Exception:
                pass  # logged by run_once; tried again at the next interval
            await asyncio.sleep(self.interval)

    def state(self) -> Dict[str, Any]:
        return {"interval_seconds": self.interval, "retention_days": retention_days(), "runs": self.runs,
                "last_run_at": self.last_run_at, "last_result": self.last_result, "last_error": self.last_error}
