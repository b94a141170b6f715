"""Provider retries delivered once (issue 15): a bounded, in-memory set of recent ids per process.

Telegram re-sends an update until it gets a 200 (and again after a timeout on its side); Twilio
re-sends a message when its request times out or fails, with the same `MessageSid`. Processed twice,
the retry answers twice — and a « 34 » given to one question is taken as the answer to the next.
Each channel keeps the ids it has seen (Telegram's `update_id`, Twilio's `MessageSid`) and
acknowledges a repeat without processing it again. The id is taken when the request arrives, so a
retry that comes while the first delivery is still being processed is dropped too.

Bounds: at most RECENT_IDS ids (the oldest forgotten first) and for RECENT_IDS_SECONDS; a few
hundred kB at most. Per process: with several Rasa replicas behind a load balancer a retry that
lands on another replica is processed again (sticky routing by sender, or a shared store, would be
needed; docs/reliability.md). Nothing personal is kept (provider ids only).
"""

import threading
import time
from collections import OrderedDict
from typing import Callable, Hashable

RECENT_IDS = 20_000
RECENT_IDS_SECONDS = 24 * 3600  # Telegram gives up on an update after about a day


class RecentIds:
    """Ids seen in the last `seconds` (at most `size` of them)."""

    def __init__(self, size: int = RECENT_IDS, seconds: float = RECENT_IDS_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.seconds = seconds
        self.clock = clock
        self._seen: "OrderedDict[Hashable, float]" = OrderedDict()
        self._lock = threading.Lock()
        self.repeats = 0

    def seen(self, key: Hashable) -> bool:
        """True when `key` was already seen (a retry); otherwise remembers it and returns False."""
        now = self.clock()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if now - at <= self.seconds and len(self._seen) < self.size:
                    break
                self._seen.popitem(last=False)
            if key in self._seen:
                self.repeats += 1
                return True
            self._seen[key] = now
            return False

    def __len__(self) -> int:
        return len(self._seen)
