"""An Igor worker: runs handlers for task types, speaking the worker protocol (version 3, wire
format 1; docs/worker-protocol.md) with Redis.

    from igor_sdk import Worker, Task, TaskFailed

    worker = Worker("redis://127.0.0.1:6379", concurrency=4)

    @worker.handler("resize")
    def resize(task: Task) -> bytes:
        task.log("resizing to %s" % task.text)
        task.progress(0.5)
        if task.cancelled:
            raise TaskFailed("stopped")
        return b"thumb-640.png"

    worker.run()  # until SIGTERM/SIGINT or worker.stop(): then finishes or gives back its attempts
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import os
import queue
import random
import signal
import socket
import threading
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union, cast

import redis

from ._logs import LogShipper
from .client import IgorClient, IgorError, Result, task as task_spec

__all__ = ["Worker", "Task", "TaskFailed", "SkipTask", "Handler"]

SDK = "igor-python"
SDK_VERSION = "0.3.0"
PROTOCOL_VERSION = 3
WIRE_VERSION = 1
# Nodes' defaults (docs/worker-protocol.md, "Defaults" and "Size limits").
LEASE_SECONDS = 30.0
CLAIM_TTL_SECONDS = 300.0
MAX_RESULT_BYTES = 1024 * 1024
MAX_MESSAGE_BYTES = 8 * 1024
# A log line longer than this many bytes of UTF-8 is cut before it is sent, ending in TRUNCATED (the
# SDK's own bound, as the Java SDK's; nodes cut it again to igor.task-output.max-line-bytes, 4,096).
MAX_LOG_LINE_BYTES = 64 * 1024
TRUNCATED = " [truncated]"
LOG_LEVELS = ("debug", "info", "warn", "error")
# The announcement outlives the last heartbeat by this many leases ("Registry").
KEPT_HEARTBEATS = 10
# Dead letters: how many the list keeps and how much of each message ("Dead letters").
DEAD_LETTERS_KEPT = 1000
DEAD_LETTER_EXCERPT_CHARS = 4096
# Pauses between tries of a claim or a final report that did not reach Redis (as the Java SDK).
FIRST_PAUSE = 0.2
LONGEST_PAUSE = 5.0

log = logging.getLogger("igor_sdk.worker")

Outcome = Union[bytes, bytearray, str, None]
Handler = Callable[["Task"], Outcome]
H = TypeVar("H", bound=Handler)
T = TypeVar("T")

# "Taking work", step 1: heartbeat, registration and up to ARGV[1] deliveries from the first queue
# that has any. KEYS = inflight, heartbeat, takers, queues...; ARGV = max, ttl seconds, taker.
TAKE = """
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
for i = 4, #KEYS do
  local taken = {KEYS[i]}
  while #taken <= tonumber(ARGV[1]) do
    local m = redis.call('LMOVE', KEYS[i], KEYS[1], 'LEFT', 'RIGHT')
    if not m then break end
    taken[#taken + 1] = m
  end
  if #taken > 1 then return taken end
end
return {}
"""
# "Claiming": out of the in-flight list and the queued set, claimed or not; then lease and started.
# KEYS = claim, leases, reports, inflight, queued; ARGV = name, claim ttl ms, lease expiry, lease
# member, 'report', started report, message, delivery id.
CLAIM = """
redis.call('LREM', KEYS[4], 1, ARGV[7])
redis.call('SREM', KEYS[5], ARGV[8])
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('XADD', KEYS[3], '*', ARGV[5], ARGV[6])
return 1
"""
# "Leases and heartbeats": renews each lease still held, and its claim with it.
# KEYS = claims..., leases; ARGV = members..., expiry, claim ttl ms.
RENEW = """
for i = 1, #KEYS - 1 do
  if redis.call('ZSCORE', KEYS[#KEYS], ARGV[i]) then
    redis.call('ZADD', KEYS[#KEYS], 'XX', ARGV[#ARGV - 1], ARGV[i])
    redis.call('PEXPIRE', KEYS[i], ARGV[#ARGV])
  end
end
return 1
"""
# "Registry": the announcement, stamped with Redis's clock.
ANNOUNCE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local keep = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'last_seen', string.format('%d', now), unpack(ARGV, 3))
redis.call('HSETNX', KEYS[1], 'started', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
if redis.call('PTTL', KEYS[2]) < keep then redis.call('PEXPIRE', KEYS[2], keep) end
return string.format('%d', now)
"""
# "Taking work", step 7: gives a delivery found twice in the in-flight list back to its queue,
# unless it was claimed. KEYS = inflight, queue, claim, queued; ARGV = message, delivery id.
GIVE_BACK = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
"""
# "Dead letters": one entry, newest first, the list bounded in count and age.
DEAD_LETTER = """
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
DEAD_LETTER_MAX_AGE_MS = 7 * 24 * 3600 * 1000


class TaskFailed(Exception):
    """Raise from a handler to fail the attempt: retried while the task has retries left, unless
    retryable is False (then the task ends ERRORED at once)."""

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class SkipTask(Exception):
    """Raise from a handler to end the task SKIPPED (it counts as done for its layer)."""


class Delivery:
    """A delivery as taken from a queue (docs/worker-protocol.md, "A delivery"), checked."""

    def __init__(self, message: str) -> None:
        d = json.loads(message)
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
        if d.get("v", WIRE_VERSION) != WIRE_VERSION:
            raise ValueError("unknown wire format version %r" % (d.get("v"),))
        for field in ("job_id", "layer_id", "task_id", "delivery_id", "type"):
            if not isinstance(d.get(field), str) or not d[field]:
                raise ValueError("field '%s' is missing or not a string" % field)
        attempt = d.get("attempt")
        if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 1:
            raise ValueError("field 'attempt' is not a whole number of at least 1")
        args = d.get("args") or ""
        if not isinstance(args, str):
            raise ValueError("field 'args' is not a string")
        try:
            self.args = base64.b64decode(args, validate=True)
        except binascii.Error as e:
            raise ValueError("field 'args' is not base64: %s" % e) from None
        self.message = message
        self.job_id: str = d["job_id"]
        self.layer_id: str = d["layer_id"]
        self.task_id: str = d["task_id"]
        self.delivery_id: str = d["delivery_id"]
        self.type: str = d["type"]
        self.attempt: int = attempt
        self.name = d["name"] if isinstance(d.get("name"), str) else ""
        self.retries = _count(d.get("retries"))
        self.retries_left = _count(d.get("retries_left"))
        self.timeout = _count(d.get("timeout"))
        traceparent = d.get("traceparent")
        self.traceparent = traceparent if isinstance(traceparent, str) else ""


class Task:
    """One attempt of a task, as its handler sees it."""

    def __init__(self, delivery: Delivery, worker: "Worker", started_at: int) -> None:
        self.job_id = delivery.job_id
        self.layer_id = delivery.layer_id
        self.task_id = delivery.task_id
        self.delivery_id = delivery.delivery_id
        self.type = delivery.type
        self.attempt = delivery.attempt
        self.args = delivery.args
        self.name = delivery.name
        #: the automatic retries the task allows after a failed attempt (not how many are left)
        self.retries = delivery.retries
        #: how many automatic retries may still follow a failure of this attempt (0 when the node
        #: does not say: nodes before protocol 3)
        self.retries_left = delivery.retries_left
        #: the time-out of one attempt in seconds; 0 for none
        self.timeout = delivery.timeout
        #: unix ms of this attempt's `started` report: the time-out counts from it
        self.started_at = started_at
        #: the W3C traceparent of the job's span that handed the attempt out ("" untraced)
        self.traceparent = delivery.traceparent
        #: a note the task shows when it completes (the last one set wins)
        self.message = ""
        #: set when Igor withdrew the attempt (kill, skip, time-out) or the worker is stopping
        self.cancel_event = threading.Event()
        self._withdrawn = False
        self._final = False  # its final report is taken (by its handler or a stopping worker)
        self._worker = worker

    @property
    def text(self) -> str:
        """The args as UTF-8 text."""
        return self.args.decode("utf-8")

    @property
    def cancelled(self) -> bool:
        """True once Igor withdrew this attempt (kill, skip, time-out) or the worker is stopping:
        return or raise soon."""
        return self.cancel_event.is_set()

    @property
    def withdrawn(self) -> bool:
        """True when Igor withdrew the attempt (not merely a stopping worker)."""
        return self._withdrawn

    def wait(self, seconds: float) -> bool:
        """Sleeps up to `seconds`; True (early) when the attempt is cancelled."""
        return self.cancel_event.wait(seconds)

    @property
    def deadline(self) -> Optional[float]:
        """When Igor times this attempt out (unix seconds), or None without a time-out."""
        if not self.timeout:
            return None
        return (self.started_at + self.timeout * 1000) / 1000.0

    @property
    def lease_member(self) -> str:
        return "%s|%s|%d" % (self.job_id, self.task_id, self.attempt)

    def log(self, line: str, level: str = "info") -> None:
        """A log line of this attempt (level debug, info, warn or error), shown with the task.
        Buffered and sent in the background: never blocks, never raises."""
        self._worker._ship(self, {"level": level if level in LOG_LEVELS else "info", "line": _bounded(str(line), MAX_LOG_LINE_BYTES)})

    def progress(self, fraction: float) -> None:
        """How far the attempt is, 0 to 1 (kept within). Buffered like log lines."""
        try:
            value = float(fraction)
        except (TypeError, ValueError):
            return
        if math.isnan(value):
            return
        self._worker._ship(self, {"progress": min(1.0, max(0.0, value))})

    def heartbeat(self) -> None:
        """Renews this attempt's lease now (the worker does so every third of the lease anyway)."""
        self._worker._renew([self])

    def results(self, layer: str, page_size: Optional[int] = None) -> Iterator[Result]:
        """The finished tasks of the layer of this name in this job (an earlier one), read page by
        page from Igor's HTTP API: needs the worker's api_url."""
        return self._worker._api("read results of earlier layers").results(self.job_id, layer, page_size)

    def add_tasks(self, layer_id: str, tasks: Sequence[Mapping[str, Any]]) -> List[str]:
        """Adds tasks to a layer of this job that has not started (or runs paused) over the HTTP
        API; each task a dict of client.task(...) or with type, args (bytes or str), name,
        retries, timeout. Answers the new ids; raises TaskFailed when Igor refuses."""
        body = []
        for t in tasks:
            spec = dict(t)
            options = {k: spec[k] for k in ("name", "retries", "timeout", "paused_at") if k in spec}
            body.append(task_spec(str(spec["type"]), spec.get("args"), layer_id=layer_id, **options))
        try:
            added = self._worker._api("add tasks").add_tasks(body)
        except IgorError as e:
            raise TaskFailed("adding tasks failed: %s" % e, retryable=e.retryable) from None
        return [str(t["id"]) for t in added]


class _Stopping(Exception):
    """Internal: a call to Redis given up because the worker stops."""


class Worker:
    """Takes attempts of its types from Igor's Redis queues and runs their handlers, at most
    `concurrency` at once, each on a thread of its own."""

    def __init__(
        self,
        redis_url: str = "redis://127.0.0.1:6379",
        key_prefix: str = "igor",
        *,
        password: Optional[str] = None,
        name: Optional[str] = None,
        concurrency: int = 4,
        lease: float = LEASE_SECONDS,
        claim_ttl: float = CLAIM_TTL_SECONDS,
        shutdown_grace: float = 10.0,
        poll_wait: float = 1.0,
        api_url: Optional[str] = None,
        api_token: Optional[str] = None,
        max_result_bytes: int = MAX_RESULT_BYTES,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        log_buffer: int = 10_000,
        redis_ca_file: Optional[str] = None,
        api_ca_file: Optional[str] = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1, not %d" % concurrency)
        if lease <= 0 or claim_ttl <= 0:
            raise ValueError("lease and claim_ttl must be positive")
        # redis-py's options, for the shared client and for each queue's own waiting connection.
        self._redis_url = redis_url
        self._redis_options: Dict[str, Any] = {
            "password": password or None,
            "decode_responses": True,
            "socket_keepalive": True,
            "health_check_interval": 30,
        }
        if redis_ca_file:
            if not redis_url.lower().startswith("rediss://"):
                raise ValueError("redis_ca_file is for a rediss:// URL, not %s" % redis_url.split("@")[-1])
            self._redis_options.update(ssl_ca_certs=redis_ca_file, ssl_cert_reqs="required")
        self.redis: "redis.Redis[str]" = self._connect()
        self.prefix = key_prefix
        self.name = name or "%s/%d/%04x" % (socket.gethostname(), os.getpid(), random.getrandbits(16))
        # One taker per process, unique ("Taking work"): its in-flight list and heartbeat.
        self.taker = uuid.uuid4().hex
        self.concurrency = concurrency
        self.lease = lease
        self.claim_ttl = claim_ttl
        self.shutdown_grace = shutdown_grace
        self.poll_wait = poll_wait
        self.max_result_bytes = max_result_bytes
        self.max_message_bytes = max_message_bytes
        self.api = IgorClient(api_url, api_token, ca_file=api_ca_file) if api_url else None
        self.handlers: Dict[str, Handler] = {}
        self._slots = threading.Semaphore(concurrency)
        self._in_flight: Dict[str, Task] = {}
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._stopped = threading.Event()
        self._releasing = False
        self._subscribed = threading.Event()
        self._next_queue = 0
        # "Taking work", step 2: what each type's waiter (a BLMOVE on a connection of its own)
        # brought in, with the event that lets it wait again; at most one per type.
        self._arrived: "queue.Queue[Tuple[str, threading.Event]]" = queue.Queue()
        self._held: Dict[str, int] = {}  # brought in by a waiter, in our in-flight list, not yet claimed
        self._want = threading.Event()  # set while the worker has a free slot: the waiters wait
        self._seen_in_flight: Dict[str, int] = {}
        self._take = self.redis.register_script(TAKE)
        self._claim = self.redis.register_script(CLAIM)
        self._renew_script = self.redis.register_script(RENEW)
        self._announce = self.redis.register_script(ANNOUNCE)
        self._give_back = self.redis.register_script(GIVE_BACK)
        self._dead_letter = self.redis.register_script(DEAD_LETTER)
        self._logs = LogShipper(self.redis, self._key("logs"), bound=log_buffer)

    # --- handlers ---------------------------------------------------------------------------------

    def register(self, task_type: str, fn: H) -> H:
        """Runs fn(task) for attempts of this type. fn returns the result (bytes, str or None),
        or raises SkipTask, TaskFailed, or anything else (failed, retryable, with its message)."""
        if not task_type or any(c.isspace() or ord(c) < 32 for c in task_type) or len(task_type) > 255:
            raise ValueError("a task type is 1 to 255 characters without spaces or control characters: %r" % task_type)
        self.handlers[task_type] = fn
        return fn

    def handler(self, task_type: str) -> Callable[[H], H]:
        """Decorator form of register()."""
        return lambda fn: self.register(task_type, fn)

    # --- running ----------------------------------------------------------------------------------

    def run(self, install_signal_handlers: bool = True) -> None:
        """Takes and runs work until stop() (or SIGTERM/SIGINT, when called from the main thread
        with install_signal_handlers): then stops taking, lets running handlers finish within the
        shutdown grace, and gives the rest back to Igor (`released`)."""
        if not self.handlers:
            raise ValueError("a worker needs at least one handler")
        if install_signal_handlers and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop())
        self._running.set()
        self._logs.start()
        threads = [
            self._thread("igor-cancel", self._listen_for_cancellations),
            self._thread("igor-heartbeat", self._heartbeats),
        ]
        self._announce_self()
        if not self._subscribed.wait(10):
            log.warning("not subscribed to the cancel channel yet; taking work anyway")
        log.info("worker started name=%s types=%s concurrency=%d prefix=%s", self.name, ",".join(self.handlers), self.concurrency, self.prefix)
        try:
            self._take_work()
        finally:
            self._shut_down()
            self._stopped.set()
            for t in threads:
                t.join(5)
            self.redis.close()

    def stop(self) -> None:
        """Stops taking work; run() then lets running handlers finish (or releases them) and
        returns. Safe from any thread and from a signal handler."""
        self._running.clear()

    def wait_stopped(self, timeout: Optional[float] = None) -> bool:
        """Waits until run() has shut down; True when it has."""
        return self._stopped.wait(timeout)

    @property
    def in_flight(self) -> int:
        """Attempts running now."""
        with self._lock:
            return len(self._in_flight)

    def _thread(self, name: str, target: Callable[[], None]) -> threading.Thread:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        return t

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix,) + parts)

    def _connect(self, single: bool = False) -> "redis.Redis[str]":
        """A client of the worker's Redis; `single`: on one connection of its own, kept (a waiter's)."""
        limit: Dict[str, Any] = {"max_connections": 1} if single else {}
        pool = redis.ConnectionPool.from_url(self._redis_url, **limit, **self._redis_options)
        return cast("redis.Redis[str]", redis.Redis(connection_pool=pool))  # decode_responses is in the pool's options

    # --- taking -----------------------------------------------------------------------------------

    def _take_work(self) -> None:
        types = list(self.handlers)
        waiters = [self._thread("igor-wait-" + t, lambda t=t: self._wait_on(t)) for t in types]  # type: ignore[misc]
        try:
            while self._running.is_set():
                if not self._slots.acquire(timeout=self.poll_wait):
                    continue
                free = 1
                while free < self.concurrency and self._slots.acquire(blocking=False):
                    free += 1
                try:
                    messages = self._pop(types, free)
                except redis.RedisError as e:
                    log.warning("taking work failed, trying again: %s", e)
                    self._release_slots(free)
                    time.sleep(1)
                    continue
                started = 0
                for message in messages:
                    if self._begin(message):
                        started += 1
                if started == free:
                    self._want.clear()  # no slot free: the waiters stop after their BLMOVE
                self._release_slots(free - started)
        finally:
            self._want.set()
            for w in waiters:
                w.join(self.poll_wait + 5)
            self._give_back_held()

    def _release_slots(self, n: int) -> None:
        for _ in range(n):
            self._slots.release()

    def _pop(self, types: List[str], count: int) -> List[str]:
        """The reliable take: up to `count` deliveries in this taker's in-flight list: those the
        waiters brought in, then more without waiting (rotating the types), else the first that
        a waiter brings in within the poll wait, and more without waiting after it."""
        shift = self._next_queue % len(types)
        self._next_queue += 1
        rotated = types[shift:] + types[:shift]
        taken = self._arrivals(count, 0.0)
        if len(taken) < count:
            taken += self._take_now(rotated, count - len(taken))
        if taken:
            return taken
        self._want.set()
        taken = self._arrivals(count, self.poll_wait)
        if taken and len(taken) < count:
            taken += self._take_now(rotated, count - len(taken))
        return taken

    def _arrivals(self, count: int, wait: float) -> List[str]:
        """Up to `count` deliveries the waiters brought in, waiting up to `wait` for the first."""
        taken: List[str] = []
        while len(taken) < count:
            try:
                message, taken_event = self._arrived.get(timeout=wait) if wait > 0 and not taken else self._arrived.get_nowait()
            except queue.Empty:
                break
            with self._lock:
                self._held.pop(message, None)
            taken_event.set()
            taken.append(message)
        return taken

    def _wait_on(self, task_type: str) -> None:
        """A type's waiter: BLMOVE from its queue into the in-flight list, on a connection of its
        own, while the worker has a free slot; hands what it brings in to the take loop and waits
        until that took it, so it holds at most one delivery."""
        client = self._connect(single=True)
        source, inflight = self._key("queue", task_type), self._key("inflight", self.taker)
        taken_event = threading.Event()
        try:
            while self._running.is_set():
                if not self._want.wait(self.poll_wait) or not self._running.is_set():
                    continue
                try:
                    got = client.blmove(source, inflight, self.poll_wait, "LEFT", "RIGHT")
                except redis.RedisError as e:
                    log.warning("waiting on the queue of %s failed, trying again: %s", task_type, e)
                    self._stopped.wait(1)
                    continue
                if got is None:
                    continue
                message = str(got)
                taken_event.clear()
                with self._lock:
                    self._held[message] = 1
                self._arrived.put((message, taken_event))
                while self._running.is_set() and not taken_event.wait(self.poll_wait):
                    pass
        finally:
            client.close()
            client.connection_pool.disconnect()

    def _give_back_held(self) -> None:
        """On stop: what the waiters brought in and nothing claimed goes back to its queue."""
        while True:
            try:
                message, _ = self._arrived.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                self._held.pop(message, None)
            try:
                d = Delivery(message)
            except (ValueError, TypeError) as e:
                self._set_aside(message, str(e))
                continue
            keys = [self._key("inflight", self.taker), self._key("queue", d.type), self._key("claim", d.delivery_id), self._key("queued")]
            try:
                self._give_back(keys=keys, args=[message, d.delivery_id])
            except redis.RedisError as e:
                log.warning("could not give back task=%s (nodes will once our heartbeat lapses): %s", d.task_id, e)

    def _take_now(self, types: List[str], count: int) -> List[str]:
        keys = [self._key("inflight", self.taker), self._key("taker", self.taker), self._key("takers")]
        keys += [self._key("queue", t) for t in types]
        answer = self._take(keys=keys, args=[count, max(1, math.ceil(self.lease)), self.taker])
        return [str(m) for m in answer[1:]] if answer else []

    def _begin(self, message: str) -> bool:
        """Claims one taken delivery, takes its lease, reports `started` and starts its handler;
        False when it is not ours to run (malformed, claimed already, or withdrawn)."""
        try:
            delivery = Delivery(message)
        except (ValueError, TypeError) as e:
            self._set_aside(message, str(e))
            return False
        started_at = now_ms()
        started = self._report("started", delivery.job_id, delivery.task_id, delivery.attempt, delivery.traceparent, at=started_at)
        lease_member = "%s|%s|%d" % (delivery.job_id, delivery.task_id, delivery.attempt)
        keys = [
            self._key("claim", delivery.delivery_id),
            self._key("leases"),
            self._key("reports"),
            self._key("inflight", self.taker),
            self._key("queued"),
        ]
        args = [self.name, int(self.claim_ttl * 1000), started_at + int(self.lease * 1000), lease_member, "report", started, message, delivery.delivery_id]
        try:
            ours = self._until_through("claim", delivery.task_id, lambda: bool(self._claim(keys=keys, args=args)))
        except _Stopping:
            return False  # still in the in-flight list: nodes give it back once our heartbeat lapses
        if not ours:
            log.debug("delivery dropped: claimed already or withdrawn task=%s attempt=%d", delivery.task_id, delivery.attempt)
            return False
        task = Task(delivery, self, started_at)
        with self._lock:
            self._in_flight[task.delivery_id] = task
        # A daemon thread per attempt, at most `concurrency` at once (the slots): a handler that
        # ignores its cancel cannot keep the process from exiting once its attempt is released.
        self._thread("igor-handler-" + task.task_id[:8], lambda: self._run_task(task))
        return True

    def _set_aside(self, message: str, problem: str) -> None:
        """A taken message that is not a delivery: a dead letter, out of the in-flight list."""
        log.warning("delivery set aside as a dead letter: %s: %.200s", problem, message)
        letter = json.dumps(
            {
                "v": 1,
                "source": self._key("inflight", self.taker),
                "raw": _cut(message, DEAD_LETTER_EXCERPT_CHARS),
                "raw_chars": len(message),
                "problem": problem,
                "at": now_ms(),
            }
        )
        try:
            self._dead_letter(keys=[self._key("dead-letters")], args=[letter, DEAD_LETTERS_KEPT, DEAD_LETTER_MAX_AGE_MS])
            self.redis.lrem(self._key("inflight", self.taker), 1, message)
        except redis.RedisError as e:
            log.warning("dead letter did not reach Redis: %s", e)

    # --- running a handler ------------------------------------------------------------------------

    def _run_task(self, task: Task) -> None:
        try:
            kind, message, result, retryable = self._outcome(task)
            self._finish(task, kind, message, result, retryable)
        except _Stopping:
            log.warning("final report of task=%s attempt=%d not sent: the worker stopped", task.task_id, task.attempt)
        except Exception:  # never lose the slot
            log.exception("attempt could not be reported task=%s attempt=%d", task.task_id, task.attempt)
        finally:
            with self._lock:
                self._in_flight.pop(task.delivery_id, None)
            self._slots.release()

    def _outcome(self, task: Task) -> Tuple[str, str, Optional[bytes], bool]:
        """Runs the handler: (kind, message, result, retryable) of its final report."""
        try:
            value = self.handlers[task.type](task)
            if isinstance(value, str):
                value = value.encode("utf-8")
            result = None if value is None else bytes(value)
            return "completed", task.message, result, True
        except Exception as e:
            if self._releasing and task.cancelled and not task.withdrawn:
                return "released", "worker stopped", None, True
            if isinstance(e, SkipTask):
                return "skipped", _message_of(e), None, True
            if isinstance(e, TaskFailed):
                return "failed", _message_of(e), None, e.retryable
            log.exception("handler failed task=%s attempt=%d", task.task_id, task.attempt)
            return "failed", _message_of(e), None, True

    def _finish(self, task: Task, kind: str, message: str, result: Optional[bytes], retryable: bool) -> None:
        """The one final report of an attempt and the lease dropped, in one transaction; sent
        again until Redis takes it (the attempt stays in flight, its lease renewed, meanwhile).
        Only the first call for an attempt sends anything."""
        with self._lock:
            if task._final:
                return
            task._final = True
        problem = self._over_limit(message, result)
        if problem is not None:
            log.warning("outcome over a limit reported as a failure task=%s: %s", task.task_id, problem)
            kind, message, result, retryable = "failed", problem, None, False
        report = self._report(kind, task.job_id, task.task_id, task.attempt, task.traceparent, message, result, retryable)

        def send() -> None:
            with self.redis.pipeline(transaction=True) as p:
                p.xadd(self._key("reports"), {"report": report})
                p.zrem(self._key("leases"), task.lease_member)
                p.execute()

        self._until_through(kind, task.task_id, send)
        log.info("attempt done task=%s attempt=%d kind=%s%s", task.task_id, task.attempt, kind, " (withdrawn: Igor ignores it)" if task.withdrawn else "")

    def _over_limit(self, message: str, result: Optional[bytes]) -> Optional[str]:
        if result is not None and len(result) > self.max_result_bytes:
            return "the worker's result of %d bytes is over the limit of %d bytes (igor.reports.max-result-bytes)" % (len(result), self.max_result_bytes)
        size = len(message.encode("utf-8", "replace"))
        if size > self.max_message_bytes:
            return "the worker's message of %d bytes is over the limit of %d bytes (igor.reports.max-message-bytes)" % (size, self.max_message_bytes)
        return None

    def _report(
        self,
        kind: str,
        job_id: str,
        task_id: str,
        attempt: int,
        traceparent: str,
        message: str = "",
        result: Optional[bytes] = None,
        retryable: bool = True,
        at: Optional[int] = None,
    ) -> str:
        report: Dict[str, Any] = {
            "v": WIRE_VERSION,
            "kind": kind,
            "job_id": job_id,
            "task_id": task_id,
            "attempt": attempt,
            "worker": self.name,
            "message": message,
            "retryable": retryable,
            "at": at or now_ms(),
        }
        if result is not None:
            report["result"] = base64.b64encode(result).decode("ascii")
        if traceparent:
            report["traceparent"] = traceparent
        return json.dumps(report, separators=(",", ":"))

    def _until_through(self, what: str, task_id: str, call: Callable[[], T]) -> T:
        """Makes the call until Redis takes it, pausing 0.2 s doubling to 5 s between tries; once
        the worker stops, for at most the shutdown grace more (then raises _Stopping: the lease
        runs out and Igor fails the attempt as lost, to run it again)."""
        pause = FIRST_PAUSE
        give_up: Optional[float] = None
        while True:
            try:
                return call()
            except redis.RedisError as e:
                if not self._running.is_set():
                    give_up = give_up or time.monotonic() + max(1.0, self.shutdown_grace)
                    if time.monotonic() > give_up:
                        raise _Stopping() from e
                log.warning("%s of task=%s did not reach Redis, trying again: %s", what, task_id, e)
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)

    # --- logs and progress ------------------------------------------------------------------------

    def _ship(self, task: Task, fields: Dict[str, Any]) -> None:
        kind = "progress" if "progress" in fields else "log"
        entry = {"v": 1, "kind": kind, "job_id": task.job_id, "task_id": task.task_id, "attempt": task.attempt, "worker": self.name, "at": now_ms()}
        entry.update(fields)
        self._logs.offer(json.dumps(entry, separators=(",", ":")))

    def flush_logs(self, timeout: float = 5.0) -> bool:
        """Waits up to `timeout` for buffered log lines and progress to reach Redis."""
        return self._logs.flush(timeout)

    @property
    def logs_dropped(self) -> int:
        """Log and progress entries dropped because the buffer was full."""
        return self._logs.dropped

    # --- the HTTP API -----------------------------------------------------------------------------

    def _api(self, what: str) -> IgorClient:
        if self.api is None:
            raise TaskFailed(
                "cannot %s: the worker has no api_url (Worker(..., api_url='http://<node>:8100'))" % what,
                retryable=False,
            )
        return self.api

    # --- heartbeats -------------------------------------------------------------------------------

    def _heartbeats(self) -> None:
        """Every third of the lease: the taker's heartbeat, the announcement, every lease held
        (with its claim), and a look at the in-flight list."""
        every = max(0.05, self.lease / 3)
        while not self._stopped.wait(every):
            try:
                with self.redis.pipeline(transaction=False) as p:
                    p.set(self._key("taker", self.taker), "1", ex=max(1, math.ceil(self.lease)))
                    p.sadd(self._key("takers"), self.taker)
                    p.execute()
                with self._lock:
                    tasks = list(self._in_flight.values())
                self._renew(tasks)
                if self._running.is_set():
                    self._announce_self()
                    self._look_in_flight()
            except redis.RedisError as e:
                log.warning("heartbeat did not reach Redis: %s", e)

    def _renew(self, tasks: Sequence[Task]) -> None:
        if tasks:
            keys = [self._key("claim", t.delivery_id) for t in tasks] + [self._key("leases")]
            args: List[Union[str, int]] = [t.lease_member for t in tasks]
            args += [now_ms() + int(self.lease * 1000), int(self.claim_ttl * 1000)]
            self._renew_script(keys=keys, args=args)

    def _look_in_flight(self) -> None:
        """Gives back deliveries found in the in-flight list at two looks in a row that no claim
        took: a take whose answer never reached us ("Taking work", step 7)."""
        inflight = self._key("inflight", self.taker)
        now = set(self.redis.lrange(inflight, 0, -1))
        with self._lock:
            now -= set(self._held)  # brought in by a waiter, waiting for a free slot: ours
        for message in now & set(self._seen_in_flight):
            try:
                d = Delivery(message)
            except (ValueError, TypeError) as e:
                self._set_aside(message, str(e))
                continue
            keys = [inflight, self._key("queue", d.type), self._key("claim", d.delivery_id), self._key("queued")]
            if self._give_back(keys=keys, args=[message, d.delivery_id]):
                log.info("gave back a delivery left in the in-flight list task=%s attempt=%d", d.task_id, d.attempt)
        self._seen_in_flight = {m: 1 for m in now}

    def _announce_self(self, stopped: bool = False) -> None:
        fields: List[Union[str, int]] = [
            "protocol", PROTOCOL_VERSION,
            "name", self.name,
            "host", socket.gethostname(),
            "pid", os.getpid(),
            "sdk", SDK,
            "sdk_version", SDK_VERSION,
            "types", json.dumps({t: self.concurrency for t in self.handlers}, sort_keys=True),
            "concurrency", self.concurrency,
            "in_flight", self.in_flight,
            "heartbeat_ms", int(self.lease * 1000),
        ]  # fmt: skip
        if stopped:
            fields += ["stopped", now_ms()]
        try:
            self._announce(keys=[self._key("worker", self.taker), self._key("workers")], args=[self.taker, int(self.lease * 1000) * KEPT_HEARTBEATS] + fields)
        except redis.RedisError as e:
            log.warning("announcement did not reach Redis: %s", e)

    # --- cancellation -----------------------------------------------------------------------------

    def _listen_for_cancellations(self) -> None:
        channel = self._key("cancel")
        while not self._stopped.is_set():
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(channel)
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if pubsub.subscribed:
                        self._subscribed.set()
                    if message and message.get("type") == "message":
                        self._cancel(message["data"])
            except redis.RedisError as e:
                log.warning("cancel channel lost, subscribing again: %s", e)
                self._stopped.wait(1)
            finally:
                try:
                    pubsub.close()
                except redis.RedisError:
                    pass

    def _cancel(self, data: str) -> None:
        try:
            ids = json.loads(data)["delivery_ids"]
            if not isinstance(ids, list):
                raise TypeError("delivery_ids is not a list")
        except (ValueError, KeyError, TypeError):
            log.warning("dropped malformed cancellation: %.200s", data)
            return
        with self._lock:
            tasks = [self._in_flight[i] for i in ids if isinstance(i, str) and i in self._in_flight]
        for t in tasks:
            log.info("Igor withdrew the attempt task=%s attempt=%d", t.task_id, t.attempt)
            t._withdrawn = True
            t.cancel_event.set()

    # --- stopping ---------------------------------------------------------------------------------

    def _shut_down(self) -> None:
        """Lets running handlers finish for the grace time, then cancels the rest and gives the
        attempts still running back (`released`); last, announces the stop."""
        self._wait_for_handlers(self.shutdown_grace)
        with self._lock:
            self._releasing = True
            left = list(self._in_flight.values())
        for t in left:
            t.cancel_event.set()
        self._wait_for_handlers(5.0)  # a handler that polls `cancelled` releases its attempt now
        with self._lock:
            stuck = list(self._in_flight.values())
        for t in stuck:  # handlers that ignored the cancel: given back all the same
            try:
                self._finish(t, "released", "worker stopped", None, True)
            except _Stopping:
                log.warning("attempt could not be given back task=%s", t.task_id)
            with self._lock:
                self._in_flight.pop(t.delivery_id, None)
        self._logs.stop(5.0)
        self._announce_self(stopped=True)
        log.info("worker stopped name=%s", self.name)

    def _wait_for_handlers(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if not self._in_flight:
                    return
            time.sleep(0.05)


def _count(value: Any) -> int:
    """A whole number of a delivery's optional fields; 0 when absent or not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _message_of(e: BaseException) -> str:
    return str(e) or type(e).__name__


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars]


def _bounded(line: str, max_bytes: int) -> str:
    """The line if its UTF-8 form has at most max_bytes bytes, else its longest prefix that fits
    with TRUNCATED after it (the Java SDK's TaskOutput.bounded)."""
    data = line.encode("utf-8", "replace")
    if len(data) <= max_bytes:
        return line
    marked = max_bytes > len(TRUNCATED)
    kept = data[: max_bytes - len(TRUNCATED) if marked else max_bytes].decode("utf-8", "ignore")
    return kept + TRUNCATED if marked else kept


def now_ms() -> int:
    return int(time.time() * 1000)
