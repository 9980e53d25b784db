#!/usr/bin/env python3
"""An Igor worker in Python, written only against docs/worker-protocol.md (protocol version 2,
wire format 1).

Library:

    from igor_worker import Worker, TaskFailed

    worker = Worker("redis://127.0.0.1:6379", key_prefix="igor", concurrency=4)

    @worker.handler("resize")
    def resize(task):
        if task.cancelled:          # Igor withdrew the attempt (kill, skip, time-out) or we stop
            raise TaskFailed("stopped")  # a stopping worker reports it `released`
        return b"thumb-640.png"     # bytes or str: the task's result

    worker.run()                    # until SIGTERM/SIGINT or worker.stop()

Command line (built-in example types py_upper, py_fail, py_sleep):

    IGOR_REDIS_URL=redis://127.0.0.1:6379 IGOR_REDIS_KEY_PREFIX=igor \\
        /usr/bin/python3 igor_worker.py --types py_upper,py_fail

Needs Python 3.8+ and the `redis` package (Debian: python3-redis).
"""

import argparse
import base64
import json
import logging
import os
import queue
import random
import re
import signal
import socket
import threading
import time
import uuid
import urllib.error
import urllib.request

import redis

WIRE_VERSION = 1
# The worker protocol's version this worker follows: 2 announces itself in the registry.
PROTOCOL_VERSION = 2
SDK = "igor-python-example"
SDK_VERSION = "0.1.0"
# A worker's announcement outlives its last heartbeat by this many leases (worker-protocol.md,
# "Registry"), then nothing of it stays in Redis.
KEPT_HEARTBEATS = 10
# The registry's script (worker-protocol.md, "Registry"): the worker's hash, stamped with Redis's
# clock, and its entry in the sorted set by last-seen, both bounded in time.
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
# The largest outcome nodes apply (igor.reports.max-result-bytes and max-message-bytes): over
# either, the worker reports the failure a node would make of it instead (worker-protocol.md).
MAX_RESULT_BYTES = 1024 * 1024
MAX_MESSAGE_BYTES = 8 * 1024
log = logging.getLogger("igor.worker")


class TaskFailed(Exception):
    """Raise from a handler to fail the attempt; retryable=False ends the task ERRORED at once."""

    def __init__(self, message, retryable=True):
        super().__init__(message)
        self.retryable = retryable


class SkipTask(Exception):
    """Raise from a handler to end the task SKIPPED (it counts as done for its layer)."""


class Task:
    """One attempt of a task, as a handler sees it."""

    def __init__(self, delivery, worker):
        self.job_id = delivery["job_id"]
        self.layer_id = delivery["layer_id"]
        self.task_id = delivery["task_id"]
        self.attempt = delivery["attempt"]
        self.delivery_id = delivery["delivery_id"]
        self.type = delivery["type"]
        self.args = base64.b64decode(delivery.get("args") or "")
        # optional fields of format 1 (absent from older nodes' deliveries): the task's own
        self.name = delivery.get("name") if isinstance(delivery.get("name"), str) else ""
        self.retries = _count(delivery.get("retries"))
        self.timeout = _count(delivery.get("timeout"))
        self.started_at = 0  # unix ms of the `started` report: the deadline counts from it
        # The W3C traceparent of the job's span that handed this attempt out ("" when Igor does not
        # trace). A handler with OpenTelemetry of its own can continue it; the worker sends it back
        # on its reports, so that the job's trace goes on with no OpenTelemetry here.
        traceparent = delivery.get("traceparent")
        self.traceparent = traceparent if isinstance(traceparent, str) else ""
        self._cancelled = threading.Event()
        self._withdrawn = False  # cancelled by Igor, not by a stopping worker
        self._worker = worker

    @property
    def text(self):
        """The args as UTF-8 text."""
        return self.args.decode("utf-8")

    @property
    def cancelled(self):
        """True once Igor withdrew this attempt (kill, skip, time-out) or the worker is stopping."""
        return self._cancelled.is_set()

    def wait(self, seconds):
        """Sleeps up to `seconds`; returns True (early) when the attempt is cancelled."""
        return self._cancelled.wait(seconds)

    def add_tasks(self, layer_id, tasks):
        """Adds tasks to a layer of this job that has not started (or runs paused) through the HTTP
        API (POST /api/v1/tasks). Each task is a dict: type, and optionally args (bytes or str),
        name, retries, timeout. Returns the new task ids; raises TaskFailed when Igor refuses."""
        return self._worker.add_tasks(layer_id, tasks)

    @property
    def deadline(self):
        """When Igor times this attempt out (unix seconds, float), or None without a time-out."""
        if not self.timeout or not self.started_at:
            return None
        return (self.started_at + self.timeout * 1000) / 1000.0

    @property
    def lease_member(self):
        return "%s|%s|%d" % (self.job_id, self.task_id, self.attempt)


class Worker:
    """Takes attempts of its types from Igor's Redis queues and runs their handlers in threads."""

    def __init__(
        self,
        redis_url="redis://127.0.0.1:6379",
        key_prefix="igor",
        password=None,
        name=None,
        concurrency=4,
        lease_seconds=30.0,
        claim_ttl_seconds=300,
        poll_wait_seconds=1.0,
        shutdown_grace_seconds=10.0,
        api_url="http://127.0.0.1:8100",
        max_result_bytes=MAX_RESULT_BYTES,
        max_message_bytes=MAX_MESSAGE_BYTES,
    ):
        self._redis_url = redis_url
        self._redis_options = dict(
            password=password or None,
            decode_responses=True,
            socket_keepalive=True,
            health_check_interval=30,
        )
        self.redis = redis.Redis.from_url(redis_url, **self._redis_options)
        self.prefix = key_prefix
        self.name = name or "%s/%d/%04x" % (socket.gethostname(), os.getpid(), random.getrandbits(16))
        self.concurrency = max(1, int(concurrency))
        self.lease_ms = int(lease_seconds * 1000)
        self.claim_ttl_ms = int(claim_ttl_seconds * 1000)
        # One taker per process: its in-flight list and heartbeat (docs/worker-protocol.md, "Taking
        # work"). Nodes give what it took back to the queues once the heartbeat lapses.
        self.taker = uuid.uuid4().hex
        self._next_queue = 0
        # What each type's waiter (a BLMOVE on a connection of its own) brought in, with the event
        # that lets it wait again: at most one delivery per type ("Taking work", step 2).
        self._arrived = queue.Queue()
        self._want = threading.Event()  # set while a slot is free: the waiters wait
        self.poll_wait = poll_wait_seconds
        self.shutdown_grace = shutdown_grace_seconds
        self.api_url = api_url.rstrip("/")
        self.max_result_bytes = max_result_bytes
        self.max_message_bytes = max_message_bytes
        self.handlers = {}
        self._slots = threading.Semaphore(self.concurrency)
        self._in_flight = {}  # delivery_id -> Task, until its final report is sent
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._releasing = False
        self._subscribed = threading.Event()
        self._threads = []
        self._announce = self.redis.register_script(ANNOUNCE)
        # Renews each lease still held, and its claim with it (one script: a lease that is gone,
        # finished or failed by Igor as lost, is not brought back, nor its claim).
        self._renew = self.redis.register_script(
            "for i = 1, #KEYS - 1 do"
            "  if redis.call('ZSCORE', KEYS[#KEYS], ARGV[i]) then"
            "    redis.call('ZADD', KEYS[#KEYS], 'XX', ARGV[#ARGV - 1], ARGV[i])"
            "    redis.call('PEXPIRE', KEYS[i], ARGV[#ARGV])"
            "  end"
            " end"
            " return 1"
        )

    # --- keys (docs/worker-protocol.md, "Keys") ---------------------------------------------------

    def _key(self, *parts):
        return ":".join((self.prefix,) + parts)

    # --- registration ----------------------------------------------------------------------------

    def register(self, task_type, fn):
        """Runs fn(task) for attempts of this type. fn returns the result (bytes, str or None)."""
        self.handlers[task_type] = fn
        return fn

    def handler(self, task_type):
        """Decorator form of register."""
        return lambda fn: self.register(task_type, fn)

    # --- running ---------------------------------------------------------------------------------

    def run(self):
        """Takes and runs work until stop() (or SIGTERM/SIGINT when run from the main thread)."""
        if not self.handlers:
            raise ValueError("a worker needs at least one handler")
        self._running.set()
        self._start_thread("igor-cancel", self._listen_for_cancellations)
        self._announce_self()
        self._start_thread("igor-heartbeat", self._renew_leases)
        if not self._subscribed.wait(10):
            log.warning("not subscribed to the cancel channel yet; taking work anyway")
        log.info(
            "worker started name=%s types=%s concurrency=%d prefix=%s",
            self.name, ",".join(self.handlers), self.concurrency, self.prefix,
        )
        try:
            self._take_work()
        finally:
            self._shut_down()

    def stop(self):
        """Stops taking work; run() then waits for running handlers (or releases them) and returns."""
        self._running.clear()

    def _start_thread(self, name, target, *args):
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        t.start()
        self._threads.append(t)
        return t

    def _take_work(self):
        queues = [self._key("queue", t) for t in self.handlers]
        for q in queues:
            self._start_thread("igor-wait-" + q, self._wait_on, q)
        while self._running.is_set():
            if not self._slots.acquire(timeout=self.poll_wait):
                continue
            free = 1
            while free < self.concurrency and self._slots.acquire(blocking=False):
                free += 1
            try:
                messages = self._pop(queues, free)
            except redis.RedisError as e:
                log.warning("taking work failed, trying again: %s", e)
                self._release_slots(free)
                time.sleep(1)
                continue
            tasks = self._claim(messages)
            if len(tasks) == free:
                self._want.clear()  # no slot free: the waiters stop after their BLMOVE
            self._release_slots(free - len(tasks))
            for task in tasks:
                self._start_thread("igor-task-" + task.task_id[:8], self._run_task, task)

    def _release_slots(self, n):
        for _ in range(n):
            self._slots.release()

    def _pop(self, queues, count):
        """The reliable take: under a heartbeat, what the waiters brought into this taker's
        in-flight list, then LMOVE up to count from our queues (starting from the next queue each
        time); if none waits, the first a waiter brings in within the poll wait, then more.
        Answers the messages taken."""
        inflight = self._key("inflight", self.taker)
        self._heartbeat()
        shift = self._next_queue % len(queues)
        self._next_queue += 1
        rotated = queues[shift:] + queues[:shift]
        messages = self._arrivals(count, 0)
        messages += self._move_now(rotated, inflight, count - len(messages))
        if messages:
            return messages
        self._want.set()
        messages = self._arrivals(count, self.poll_wait)
        if messages:
            messages += self._move_now(rotated, inflight, count - len(messages))
        return messages

    def _arrivals(self, count, wait):
        """Up to count messages the waiters brought in, waiting up to `wait` for the first."""
        messages = []
        while len(messages) < count:
            try:
                if wait > 0 and not messages:
                    message, taken = self._arrived.get(timeout=wait)
                else:
                    message, taken = self._arrived.get_nowait()
            except queue.Empty:
                break
            taken.set()
            messages.append(message)
        return messages

    def _wait_on(self, source):
        """One type's waiter: BLMOVE from its queue into the in-flight list on a connection of its
        own while a slot is free (so a delivery of any type is taken at once), and hand it to the
        take loop. What it holds when the worker stops stays in the in-flight list: nodes give it
        back to its queue once our heartbeat lapses."""
        client = redis.Redis(connection_pool=redis.ConnectionPool.from_url(
            self._redis_url, max_connections=1, **self._redis_options))
        inflight = self._key("inflight", self.taker)
        taken = threading.Event()
        while self._running.is_set():
            if not self._want.wait(self.poll_wait) or not self._running.is_set():
                continue
            try:
                message = client.blmove(source, inflight, self.poll_wait, "LEFT", "RIGHT")
            except redis.RedisError as e:
                log.warning("waiting on %s failed, trying again: %s", source, e)
                time.sleep(1)
                continue
            if message is None:
                continue
            taken.clear()
            self._arrived.put((message, taken))
            while self._running.is_set() and not taken.wait(self.poll_wait):
                pass
        client.connection_pool.disconnect()

    def _move_now(self, queues, inflight, count):
        messages = []
        for source in queues:
            while len(messages) < count:
                message = self.redis.lmove(source, inflight, "LEFT", "RIGHT")
                if message is None:
                    break
                messages.append(message)
        return messages

    def _heartbeat(self):
        """This taker is alive for one lease more (a key with a TTL), and known to the nodes."""
        with self.redis.pipeline(transaction=False) as p:
            p.set(self._key("taker", self.taker), self.name, ex=max(1, int(self.lease_ms / 1000)))
            p.sadd(self._key("takers"), self.taker)
            p.execute()

    def _claim(self, messages):
        """Claims each delivery (dropping the ones claimed already or withdrawn), then takes the
        lease and reports `started` for each claimed one, before any handler runs."""
        inflight = self._key("inflight", self.taker)
        deliveries = []
        for message in messages:
            delivery = parse_delivery(message)
            if delivery is None:
                log.warning("dropped malformed delivery: %.200s", message)
                self.redis.lrem(inflight, 1, message)
            else:
                delivery["_message"] = message
                deliveries.append(delivery)
        if not deliveries:
            return []
        try:
            with self.redis.pipeline(transaction=False) as p:
                for d in deliveries:
                    p.set(self._key("claim", d["delivery_id"]), self.name, nx=True, px=self.claim_ttl_ms)
                # Claimed or not, out of the in-flight list and the queued set.
                for d in deliveries:
                    p.lrem(inflight, 1, d["_message"])
                p.srem(self._key("queued"), *[d["delivery_id"] for d in deliveries])
                claimed = p.execute()[: len(deliveries)]
        except redis.RedisError as e:
            # We hold these deliveries and nobody else can see them: their tasks stay QUEUED.
            log.error("claiming failed; %d deliveries dropped: %s", len(deliveries), e)
            return []
        tasks = []
        for d, ok in zip(deliveries, claimed):
            if ok:
                tasks.append(Task(d, self))
            else:
                log.debug("delivery dropped: claimed already or withdrawn task=%s attempt=%d",
                          d["task_id"], d["attempt"])
        if not tasks:
            return []
        expiry = now_ms() + self.lease_ms
        with self._lock:
            for t in tasks:
                self._in_flight[t.delivery_id] = t

        def lease_and_start(p):
            for t in tasks:
                t.started_at = now_ms()
                p.zadd(self._key("leases"), {t.lease_member: expiry})
                p.xadd(self._key("reports"), {"report": self._report("started", t, at=t.started_at)})

        self._send("lease and start", lease_and_start)
        return tasks

    def _run_task(self, task):
        try:
            self._finish(task, *self._outcome(task))
        finally:
            self._slots.release()

    def _outcome(self, task):
        """Runs the handler: (kind, message, result, retryable) of its final report."""
        try:
            fn = self.handlers.get(task.type)
            if fn is None:
                raise TaskFailed("no handler for type %r" % task.type, retryable=False)
            result = fn(task)
            if isinstance(result, str):
                result = result.encode("utf-8")
            return "completed", "", result, True
        except Exception as e:
            if self._releasing and task.cancelled and not task._withdrawn:
                return "released", "worker stopped", None, True  # it stopped because we stop
            if isinstance(e, SkipTask):
                return "skipped", str(e), None, True
            if isinstance(e, TaskFailed):
                return "failed", message_of(e), None, e.retryable
            # a handler's bug fails its attempt, not the worker
            log.exception("handler failed task=%s attempt=%d", task.task_id, task.attempt)
            return "failed", message_of(e), None, True

    def _within_limits(self, kind, message, result, retryable):
        """The outcome to report: an outcome over a limit becomes the failure it causes."""
        problem = None
        if result is not None and len(result) > self.max_result_bytes:
            problem = ("the worker's result of %d bytes is over the limit of %d bytes"
                       " (igor.reports.max-result-bytes)" % (len(result), self.max_result_bytes))
        elif len(message.encode("utf-8", "replace")) > self.max_message_bytes:
            problem = ("the worker's message of %d bytes is over the limit of %d bytes"
                       " (igor.reports.max-message-bytes)"
                       % (len(message.encode("utf-8", "replace")), self.max_message_bytes))
        if problem is None:
            return kind, message, result, retryable
        log.warning("outcome over a limit reported as a failure: %s", problem)
        return "failed", problem, None, False

    def _finish(self, task, kind, message="", result=None, retryable=True):
        """Sends the one final report of an attempt and drops its lease, in one transaction."""
        with self._lock:
            if self._in_flight.pop(task.delivery_id, None) is None:
                return  # released already by a stopping worker
        kind, message, result, retryable = self._within_limits(kind, message, result, retryable)
        report = self._report(kind, task, message, result, retryable)
        self._send(
            kind,
            lambda p: (p.xadd(self._key("reports"), {"report": report}),
                       p.zrem(self._key("leases"), task.lease_member)),
            transaction=True,
        )
        log.info("attempt done task=%s attempt=%d kind=%s%s", task.task_id, task.attempt, kind,
                 " (withdrawn: Igor ignores it)" if task._withdrawn else "")

    def _report(self, kind, task, message="", result=None, retryable=True, at=None):
        report = {
            "v": WIRE_VERSION,
            "kind": kind,
            "job_id": task.job_id,
            "task_id": task.task_id,
            "attempt": task.attempt,
            "worker": self.name,
            "message": message,
            "retryable": retryable,
            "at": at or now_ms(),
        }
        if result is not None:
            report["result"] = base64.b64encode(result).decode("ascii")
        if task.traceparent:
            report["traceparent"] = task.traceparent
        return json.dumps(report, separators=(",", ":"))

    def _send(self, what, commands, transaction=False, tries=5):
        """Runs commands in a pipeline, trying again a few times while Redis does not answer. When
        it never answers, the attempt's lease runs out and Igor fails it with "lost worker"."""
        for n in range(1, tries + 1):
            try:
                with self.redis.pipeline(transaction=transaction) as p:
                    commands(p)
                    p.execute()
                return True
            except redis.RedisError as e:
                log.warning("%s: Redis did not answer (try %d of %d): %s", what, n, tries, e)
                time.sleep(min(2 ** n, 10) * 0.25)
        log.error("%s: given up", what)
        return False

    # --- leases ----------------------------------------------------------------------------------

    def _renew_leases(self):
        """Every third of the lease: keeps this taker's heartbeat, and pushes every in-flight
        lease's expiry forward with its claim's (only while the lease is still held)."""
        every = max(0.1, self.lease_ms / 3000.0)
        while True:
            time.sleep(every)
            with self._lock:
                tasks = list(self._in_flight.values())
            try:
                self._heartbeat()
                if self._running.is_set():
                    self._announce_self()
                if tasks:
                    keys = [self._key("claim", t.delivery_id) for t in tasks] + [self._key("leases")]
                    args = [t.lease_member for t in tasks] + [now_ms() + self.lease_ms, self.claim_ttl_ms]
                    self._renew(keys=keys, args=args)
            except redis.RedisError as e:
                log.warning("leases could not be renewed: %s", e)

    def _announce_self(self, stopped=False):
        """Says who this worker is in the registry, with its heartbeat there (worker-protocol.md,
        "Registry"). Best effort: the work goes on without it."""
        with self._lock:
            in_flight = len(self._in_flight)
        fields = [
            "protocol", PROTOCOL_VERSION,
            "name", self.name,
            "host", socket.gethostname(),
            "pid", os.getpid(),
            "sdk", SDK,
            "sdk_version", SDK_VERSION,
            "types", json.dumps({t: self.concurrency for t in self.handlers}, sort_keys=True),
            "concurrency", self.concurrency,
            "in_flight", in_flight,
            "heartbeat_ms", self.lease_ms,
        ]
        if stopped:
            fields += ["stopped", now_ms()]
        try:
            self._announce(
                keys=[self._key("worker", self.taker), self._key("workers")],
                args=[self.taker, self.lease_ms * KEPT_HEARTBEATS] + fields,
            )
        except redis.RedisError as e:
            log.warning("announcement did not reach Redis: %s", e)

    # --- cancellation ----------------------------------------------------------------------------

    def _listen_for_cancellations(self):
        channel = self._key("cancel")
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(channel)
                while True:
                    message = pubsub.get_message(timeout=1.0)
                    if pubsub.subscribed:
                        self._subscribed.set()
                    if message and message.get("type") == "message":
                        self._cancel(message["data"])
            except redis.RedisError as e:
                log.warning("cancel channel lost, subscribing again: %s", e)
                time.sleep(1)
            finally:
                try:
                    pubsub.close()
                except redis.RedisError:
                    pass

    def _cancel(self, data):
        try:
            ids = json.loads(data)["delivery_ids"]
        except (ValueError, KeyError, TypeError):
            log.warning("dropped malformed cancellation: %.200s", data)
            return
        with self._lock:
            tasks = [self._in_flight[i] for i in ids if i in self._in_flight]
        for t in tasks:
            log.info("Igor withdrew the attempt task=%s attempt=%d", t.task_id, t.attempt)
            t._withdrawn = True
            t._cancelled.set()

    # --- stopping --------------------------------------------------------------------------------

    def _shut_down(self):
        """Lets running handlers finish for the grace time, then tells them to stop and gives the
        attempts still running back to Igor (`released`): they run again elsewhere, at once."""
        self._wait_for_handlers(self.shutdown_grace)
        with self._lock:
            self._releasing = True
            left = list(self._in_flight.values())
        for t in left:
            t._cancelled.set()
        self._wait_for_handlers(5.0)  # a handler that polls `cancelled` releases its attempt now
        with self._lock:
            left = list(self._in_flight.values())
            self._in_flight.clear()
        for t in left:
            report = self._report("released", t, "worker stopped")
            self._send(
                "release",
                lambda p, t=t, report=report: (
                    p.xadd(self._key("reports"), {"report": report}),
                    p.zrem(self._key("leases"), t.lease_member)),
                transaction=True,
            )
            log.info("attempt given back task=%s attempt=%d", t.task_id, t.attempt)
        # a handler that just ended may still be sending its final report (it left _in_flight
        # first): let it, so that the process does not exit under it
        deadline = time.monotonic() + 5.0
        for t in self._threads:
            if t.name.startswith("igor-task-") and t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))
        self._announce_self(stopped=True)
        log.info("worker stopped name=%s", self.name)

    def _wait_for_handlers(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if not self._in_flight:
                    return
            time.sleep(0.05)

    # --- adding tasks (HTTP API, not Redis) ------------------------------------------------------

    def add_tasks(self, layer_id, tasks):
        body = []
        for spec in tasks:
            t = {"layer_id": layer_id, "type": spec["type"]}
            args = spec.get("args", b"")
            if isinstance(args, str):
                args = args.encode("utf-8")
            t["args"] = base64.b64encode(args).decode("ascii")
            for field in ("name", "retries", "timeout"):
                if field in spec:
                    t[field] = spec[field]
            body.append(t)
        request = urllib.request.Request(
            self.api_url + "/api/v1/tasks",
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return [t["id"] for t in json.load(answer)]
        except urllib.error.HTTPError as e:
            error = e.read().decode("utf-8", "replace")
            raise TaskFailed("adding tasks failed (%d): %s" % (e.code, error), retryable=e.code >= 500)
        except OSError as e:
            raise TaskFailed("adding tasks failed: Igor at %s did not answer: %s" % (self.api_url, e))


def _count(value):
    """A whole number of a delivery's optional fields, 0 when absent or not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def parse_delivery(message):
    """The delivery as a dict, or None when it is not a version-1 delivery."""
    try:
        d = json.loads(message)
        if not isinstance(d, dict) or d.get("v", WIRE_VERSION) != WIRE_VERSION:
            return None
        for field in ("job_id", "layer_id", "task_id", "delivery_id", "type"):
            if not isinstance(d.get(field), str) or not d[field]:
                return None
        if not isinstance(d.get("attempt"), int) or d["attempt"] < 1:
            return None
        base64.b64decode(d.get("args") or "", validate=True)
        return d
    except (ValueError, TypeError):
        return None


def message_of(e):
    return str(e) or type(e).__name__


def now_ms():
    return int(time.time() * 1000)


def seconds(text):
    """A duration as Igor's settings write it ("30s", "500ms", "2m") or plain seconds ("30")."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m|h)?\s*", str(text))
    if not m:
        raise argparse.ArgumentTypeError("not a duration: %r" % text)
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


# --- built-in example handlers ---------------------------------------------------------------------


def py_upper(task):
    """Completes with its args upper-cased."""
    return task.args.upper()


def py_fail(task):
    """Fails for good (not retried), with its args as the message."""
    raise TaskFailed(task.text or "py_fail always fails", retryable=False)


def py_sleep(task):
    """Sleeps for its args in seconds (default 1), stopping early when cancelled."""
    if task.wait(float(task.text or "1")):
        raise TaskFailed("stopped: cancelled")
    return b"slept"


BUILTIN = {"py_upper": py_upper, "py_fail": py_fail, "py_sleep": py_sleep}


def main(argv=None):
    env = os.environ.get
    parser = argparse.ArgumentParser(description="An Igor worker in Python (built-in types: %s)"
                                     % ", ".join(BUILTIN))
    parser.add_argument("--types", default=env("IGOR_WORKER_TYPES", ",".join(BUILTIN)),
                        help="comma-separated task types to take (env IGOR_WORKER_TYPES)")
    parser.add_argument("--redis-url", default=env("IGOR_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--key-prefix", default=env("IGOR_REDIS_KEY_PREFIX", "igor"))
    parser.add_argument("--api-url", default=env("IGOR_API_URL", "http://127.0.0.1:8100"))
    parser.add_argument("--name", default=env("IGOR_WORKER_NAME"))
    parser.add_argument("--concurrency", type=int, default=int(env("IGOR_WORKER_CONCURRENCY", "4")))
    parser.add_argument("--lease", type=seconds, default=seconds(env("IGOR_WORKER_LEASE", "30s")),
                        help="lease time, e.g. 30s (env IGOR_WORKER_LEASE)")
    parser.add_argument("--shutdown-grace", type=seconds, default=seconds("10s"))
    parser.add_argument("--log-level", default=env("IGOR_LOG_LEVEL", "INFO"))
    a = parser.parse_args(argv)

    logging.basicConfig(level=a.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(threadName)s %(message)s")
    worker = Worker(
        redis_url=a.redis_url,
        key_prefix=a.key_prefix,
        password=env("IGOR_REDIS_PASSWORD"),
        name=a.name,
        concurrency=a.concurrency,
        lease_seconds=a.lease,
        shutdown_grace_seconds=a.shutdown_grace,
        api_url=a.api_url,
    )
    for t in filter(None, (s.strip() for s in a.types.split(","))):
        if t not in BUILTIN:
            parser.error("unknown type %r (built in: %s)" % (t, ", ".join(BUILTIN)))
        worker.register(t, BUILTIN[t])
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: worker.stop())
    worker.run()


if __name__ == "__main__":
    main()
