"""Ships handlers' log lines and progress to the stream P:logs (protocol 3) from a thread of its
own: a handler's log() or progress() only appends to a bounded buffer, never waits on Redis and
never fails; beyond the bound the oldest entries are dropped (and counted)."""

from __future__ import annotations

import collections
import logging
import threading
from typing import Any, Deque, Optional

import redis

log = logging.getLogger("igor_sdk.logs")

# The stream's approximate bound (XADD ... MAXLEN ~ 1000000): nodes read it, Redis trims it.
STREAM_MAX_LEN = 1_000_000
# Entries sent in one pipeline.
BATCH = 500


class LogShipper:
    """A bounded buffer of JSON entries and the thread that sends them with XADD, in batches."""

    def __init__(self, client: "redis.Redis[Any]", stream: str, bound: int = 10_000, every: float = 0.2) -> None:
        self._redis = client
        self._stream = stream
        self._buffer: Deque[str] = collections.deque()
        self._bound = max(1, bound)
        self._every = every
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self.dropped = 0
        self.sent = 0
        self._failing = False
        self._thread: Optional[threading.Thread] = None

    def offer(self, entry: str) -> None:
        """Queues one entry; drops the oldest when the buffer is full. Never blocks on Redis."""
        with self._lock:
            if len(self._buffer) >= self._bound:
                self._buffer.popleft()
                self.dropped += 1
            self._buffer.append(entry)
            self._idle.clear()
        if len(self._buffer) >= BATCH:
            self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="igor-logs", daemon=True)
            self._thread.start()

    def flush(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for the buffer to be sent; True when it was."""
        self._wake.set()
        return self._idle.wait(timeout)

    def stop(self, timeout: float) -> None:
        """Sends what is buffered (for at most `timeout` seconds), then stops the thread."""
        self.flush(timeout)
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        reported_drops = 0
        while not self._stopping.is_set():
            self._wake.wait(self._every)
            self._wake.clear()
            while self._send_batch():
                pass
            if self.dropped != reported_drops:
                log.warning("log buffer full: %d log and progress entries dropped in all", self.dropped)
                reported_drops = self.dropped

    def _send_batch(self) -> bool:
        """Sends up to BATCH entries; True when it sent some and more may wait."""
        with self._lock:
            batch = [self._buffer.popleft() for _ in range(min(BATCH, len(self._buffer)))]
            if not batch:
                self._idle.set()
                return False
        try:
            with self._redis.pipeline(transaction=False) as p:
                for entry in batch:
                    p.xadd(self._stream, {"entry": entry}, maxlen=STREAM_MAX_LEN, approximate=True)
                p.execute()
            self.sent += len(batch)
            if self._failing:
                log.info("log entries reach Redis again")
                self._failing = False
            return True
        except redis.RedisError as e:
            # Put them back in front (the bound still holds: the oldest go first) and try later.
            with self._lock:
                room = self._bound - len(self._buffer)
                kept = batch[-room:] if room > 0 else []
                self.dropped += len(batch) - len(kept)
                self._buffer.extendleft(reversed(kept))
            if not self._failing:  # once per outage
                log.warning("log entries do not reach Redis, trying again meanwhile: %s", e)
                self._failing = True
            return False
