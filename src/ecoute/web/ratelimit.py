"""In-process rate limits (sliding window).

One uvicorn process serves the app by default, so counters in memory are
exact; with several processes each counts for itself (the limit is then per
process: docs/web.md says so).
"""

from __future__ import annotations

import threading
import time
from collections import deque

from ecoute.errors import RateLimited


class RateLimiter:
    def __init__(self, limit: int, window: float, scope: str) -> None:
        self.limit, self.window, self.scope = limit, window, scope
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one request for ``key``; raise RateLimited over the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = max(1, int(hits[0] + self.window - now) + 1)
                raise RateLimited(limit=self.limit, window=int(self.window), scope=self.scope, retry_after=retry)
            hits.append(now)
            if len(self._hits) > 50_000:  # forget idle keys rather than grow without end
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[stale]
