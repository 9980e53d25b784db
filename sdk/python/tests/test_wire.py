"""The SDK's worker against real Redis, without a node, on a key prefix of its own: what it writes
is read back key by key as docs/worker-protocol.md says (claims, leases, reports, dead letters,
give-backs, cancellation, logs and progress on P:logs)."""

from __future__ import annotations

import base64
import json
import threading
import time
import unittest
import uuid
from typing import Any, Dict, List

import redis

from igor_sdk import Task, TaskFailed, Worker
from igor_sdk.worker import Delivery, _bounded
from support import REDIS_URL, TIME_FACTOR, WAIT, clean, own_prefix, running, wait_until


def delivery(task_type: str, args: bytes = b"", **extra: Any) -> Dict[str, Any]:
    d: Dict[str, Any] = {
        "v": 1,
        "job_id": str(uuid.uuid4()),
        "layer_id": str(uuid.uuid4()),
        "task_id": str(uuid.uuid4()),
        "attempt": 1,
        "delivery_id": str(uuid.uuid4()),
        "type": task_type,
        "args": base64.b64encode(args).decode("ascii"),
    }
    d.update(extra)
    return d


class WireTest(unittest.TestCase):
    def setUp(self) -> None:
        self.prefix = own_prefix()
        self.r = redis.Redis.from_url(REDIS_URL, decode_responses=True)

    def tearDown(self) -> None:
        clean(self.prefix)
        self.r.close()

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix,) + parts)

    def reports(self) -> List[Dict[str, Any]]:
        return [json.loads(fields["report"]) for _, fields in self.r.xrange(self.key("reports"))]

    def logs(self) -> List[Dict[str, Any]]:
        return [json.loads(fields["entry"]) for _, fields in self.r.xrange(self.key("logs"))]

    def worker(self, **options: Any) -> Worker:
        options.setdefault("lease", 0.6)
        options.setdefault("name", "wire")
        return Worker(REDIS_URL, self.prefix, **options)

    def test_an_attempt_is_claimed_leased_started_and_completed_with_its_result(self) -> None:
        seen: Dict[str, Any] = {}
        w = self.worker(concurrency=2)

        @w.handler("upper")
        def upper(task: Task) -> bytes:
            seen.update(name=task.name, retries=task.retries, retries_left=task.retries_left, timeout=task.timeout, deadline=task.deadline, started=task.started_at)
            seen["lease"] = self.r.zscore(self.key("leases"), task.lease_member)
            seen["claim"] = self.r.get(self.key("claim", task.delivery_id))
            return task.args.upper()

        d = delivery("upper", b"hello", name="greet", retries=2, retries_left=2, timeout=60)
        message = json.dumps(d)
        self.r.sadd(self.key("queued"), d["delivery_id"])
        self.r.rpush(self.key("queue", "upper"), message)
        with running(w):
            wait_until("the completed report", lambda: len(self.reports()) == 2)
        started, completed = self.reports()
        self.assertEqual(started["kind"], "started")
        self.assertEqual(completed["kind"], "completed")
        for report in (started, completed):
            self.assertEqual((report["v"], report["job_id"], report["task_id"], report["attempt"], report["worker"]), (1, d["job_id"], d["task_id"], 1, "wire"))
        self.assertEqual(base64.b64decode(completed["result"]), b"HELLO")
        self.assertEqual(seen["claim"], "wire")
        self.assertIsNotNone(seen["lease"], "leased while the handler ran")
        self.assertEqual((seen["name"], seen["retries"], seen["retries_left"], seen["timeout"]), ("greet", 2, 2, 60))
        self.assertEqual(seen["deadline"], (started["at"] + 60_000) / 1000)
        self.assertEqual(seen["started"], started["at"])
        self.assertIsNone(self.r.zscore(self.key("leases"), "%s|%s|1" % (d["job_id"], d["task_id"])), "lease dropped")
        self.assertFalse(self.r.sismember(self.key("queued"), d["delivery_id"]), "out of the queued set")
        self.assertEqual(self.r.llen(self.key("inflight", w.taker)), 0)
        announced = self.r.hgetall(self.key("worker", w.taker))
        self.assertEqual((announced["protocol"], announced["sdk"], announced["types"]), ("3", "igor-python", '{"upper": 2}'))
        self.assertIn("stopped", announced, "announced stopped after a graceful stop")

    def test_a_claimed_or_withdrawn_delivery_is_dropped_without_a_report(self) -> None:
        ran: List[str] = []
        w = self.worker()
        w.register("t", lambda task: ran.append(task.task_id))
        d = delivery("t")
        self.r.set(self.key("claim", d["delivery_id"]), "cancelled")
        self.r.rpush(self.key("queue", "t"), json.dumps(d))
        later = delivery("t")
        self.r.rpush(self.key("queue", "t"), json.dumps(later))
        with running(w):
            wait_until("the later delivery ran", lambda: later["task_id"] in ran)
        self.assertEqual(ran, [later["task_id"]])
        self.assertEqual([r["task_id"] for r in self.reports()], [later["task_id"]] * 2)

    def test_a_malformed_delivery_becomes_a_dead_letter_and_the_worker_goes_on(self) -> None:
        w = self.worker()
        w.register("t", lambda task: "ok")
        self.r.rpush(self.key("queue", "t"), '{"v":1,"job_id":"x"}')
        good = delivery("t")
        self.r.rpush(self.key("queue", "t"), json.dumps(good))
        with running(w):
            wait_until("the good one completed", lambda: len(self.reports()) == 2)
            letters = [json.loads(m) for m in self.r.lrange(self.key("dead-letters"), 0, -1)]
        self.assertEqual(len(letters), 1)
        self.assertEqual(letters[0]["raw"], '{"v":1,"job_id":"x"}')
        self.assertIn("layer_id", letters[0]["problem"])
        self.assertEqual(self.r.llen(self.key("inflight", w.taker)), 0)

    def test_failures_skips_and_errors_are_reported_with_their_message(self) -> None:
        w = self.worker(concurrency=4)

        def act(task: Task) -> str:
            if task.text == "fail":
                raise TaskFailed("disk full", retryable=False)
            if task.text == "skip":
                from igor_sdk import SkipTask

                raise SkipTask("nothing to do")
            if task.text == "big":
                return "x" * 11
            raise ValueError("bad input")

        w.register("t", act)
        w.max_result_bytes = 10
        ids = {}
        for what in ("fail", "skip", "big", "error"):
            d = delivery("t", what.encode())
            ids[d["task_id"]] = what
            self.r.rpush(self.key("queue", "t"), json.dumps(d))
        with running(w):
            wait_until("4 outcomes", lambda: len([r for r in self.reports() if r["kind"] != "started"]) == 4)
        outcomes = {ids[r["task_id"]]: (r["kind"], r["message"], r["retryable"]) for r in self.reports() if r["kind"] != "started"}
        self.assertEqual(outcomes["fail"], ("failed", "disk full", False))
        self.assertEqual(outcomes["skip"], ("skipped", "nothing to do", True))
        self.assertEqual(outcomes["error"], ("failed", "bad input", True))
        self.assertEqual(outcomes["big"], ("failed", "the worker's result of 11 bytes is over the limit of 10 bytes (igor.reports.max-result-bytes)", False))

    def test_a_final_report_that_redis_did_not_take_is_sent_again_keeping_the_lease(self) -> None:
        w = self.worker()
        w.register("t", lambda task: "done")
        failures: List[str] = []
        pipeline = w.redis.pipeline

        def failing_once(transaction: bool = True, shard_hint: Any = None) -> Any:
            p = pipeline(transaction=transaction, shard_hint=shard_hint)
            if transaction and not failures:  # the final report's MULTI: Redis "goes away" once

                def broken(raise_on_error: bool = True) -> Any:
                    failures.append("execute")
                    p.reset()
                    raise redis.ConnectionError("Redis went away (test)")

                p.execute = broken  # type: ignore
            return p

        w.redis.pipeline = failing_once  # type: ignore
        d = delivery("t")
        self.r.rpush(self.key("queue", "t"), json.dumps(d))
        with running(w):
            wait_until("the completed report", lambda: len(self.reports()) == 2)
        self.assertEqual(failures, ["execute"])
        self.assertEqual([r["kind"] for r in self.reports()], ["started", "completed"], "sent again, once")
        self.assertEqual(self.r.zcard(self.key("leases")), 0, "the lease dropped with it")

    def test_a_cancellation_on_the_channel_reaches_the_handler(self) -> None:
        w = self.worker()
        seen: Dict[str, Any] = {}
        started = threading.Event()

        def block(task: Task) -> str:
            started.set()
            seen["cancelled"] = task.wait(WAIT)
            seen["withdrawn"] = task.withdrawn
            raise TaskFailed("stopped")

        w.register("t", block)
        d = delivery("t")
        self.r.rpush(self.key("queue", "t"), json.dumps(d))
        with running(w):
            self.assertTrue(started.wait(WAIT))
            self.r.publish(self.key("cancel"), json.dumps({"v": 1, "delivery_ids": ["other", d["delivery_id"]]}))
            wait_until("the final report", lambda: len(self.reports()) == 2)
        self.assertEqual(seen, {"cancelled": True, "withdrawn": True})
        self.assertEqual(self.reports()[1]["kind"], "failed")

    def test_stop_releases_an_attempt_whose_handler_ignores_the_cancel(self) -> None:
        w = self.worker(shutdown_grace=0.2)
        release = threading.Event()
        started = threading.Event()

        def stuck(task: Task) -> str:
            started.set()
            release.wait(WAIT)  # ignores task.cancelled
            return "late"

        w.register("t", stuck)
        self.r.rpush(self.key("queue", "t"), json.dumps(delivery("t")))
        with running(w):
            self.assertTrue(started.wait(WAIT))
        release.set()
        time.sleep(0.2)
        kinds = [r["kind"] for r in self.reports()]
        self.assertEqual(kinds, ["started", "released"], "one final report: released, not the late result")
        self.assertEqual(self.reports()[1]["message"], "worker stopped")
        self.assertEqual(self.r.zcard(self.key("leases")), 0)

    def test_a_delivery_left_in_the_in_flight_list_goes_back_to_its_queue(self) -> None:
        w = self.worker(lease=0.3)
        w.register("other", lambda task: None)
        lost = json.dumps(delivery("t"))
        with running(w):
            self.r.rpush(self.key("inflight", w.taker), lost)
            wait_until("given back", lambda: self.r.lrange(self.key("queue", "t"), 0, -1) == [lost])
        self.assertEqual(self.r.llen(self.key("inflight", w.taker)), 0)

    def test_logs_and_progress_are_entries_on_the_logs_stream(self) -> None:
        w = self.worker()
        d = Delivery(json.dumps(delivery("t", attempt=3)))
        task = Task(d, w, 0)
        w._logs.start()
        task.log("resizing 640")
        task.log("odd level", level="loud")
        task.log("x" * 70_000, level="error")
        task.progress(0.4)
        task.progress(1.7)
        task.progress(float("nan"))
        self.assertTrue(w.flush_logs(WAIT))
        entries = self.logs()
        self.assertEqual(len(entries), 5)
        for e in entries:
            self.assertEqual((e["v"], e["job_id"], e["task_id"], e["attempt"], e["worker"]), (1, d.job_id, d.task_id, 3, "wire"))
            self.assertIsInstance(e["at"], int)
        self.assertEqual([(e["kind"], e.get("level"), e.get("line", "")[:20]) for e in entries[:3]], [("log", "info", "resizing 640"), ("log", "info", "odd level"), ("log", "error", "x" * 20)])
        self.assertEqual(len(entries[2]["line"].encode("utf-8")), 64 * 1024, "cut to the SDK's bound, 64 KiB of UTF-8")
        self.assertTrue(entries[2]["line"].endswith("x [truncated]"))
        self.assertEqual([(e["kind"], e["progress"]) for e in entries[3:]], [("progress", 0.4), ("progress", 1.0)])
        w._logs.stop(1)

    def test_logs_beyond_the_buffer_drop_the_oldest_and_never_block_without_redis(self) -> None:
        gone = Worker("redis://127.0.0.1:1", self.prefix, lease=0.6, log_buffer=3)
        task = Task(Delivery(json.dumps(delivery("t"))), gone, 0)
        began = time.monotonic()
        for n in range(1000):
            task.log("line %d" % n)
        self.assertLess(time.monotonic() - began, 5.0, "log() does not wait for Redis")
        self.assertEqual(gone.logs_dropped, 997)
        gone._logs.start()
        self.assertFalse(gone.flush_logs(0.5), "nothing sent: no Redis")
        gone._logs.stop(0.1)

        w = self.worker(log_buffer=3)
        task = Task(Delivery(json.dumps(delivery("t"))), w, 0)
        for n in range(5):
            task.log("line %d" % n)
        w._logs.start()
        self.assertTrue(w.flush_logs(WAIT))
        self.assertEqual([e["line"] for e in self.logs()], ["line 2", "line 3", "line 4"])
        self.assertEqual(w.logs_dropped, 2)
        w._logs.stop(1)

    def test_log_lines_are_cut_at_whole_characters_within_the_bytes(self) -> None:
        self.assertEqual(_bounded("é" * 10, 20), "é" * 10)
        self.assertEqual(_bounded("é" * 11, 20), "é" * 4 + " [truncated]", "8 bytes of é, none cut in half")
        self.assertEqual(_bounded("é" * 11, 21), "é" * 4 + " [truncated]")
        self.assertEqual(_bounded("abcdef", 4), "abcd", "no room for the marker")

    def test_a_worker_of_several_types_waits_on_all_its_queues_at_once(self) -> None:
        # With one BLMOVE on one queue at a time, a delivery of the last type waited for the
        # poll wait (here 20 s); waiting on every queue at once, it is taken at once.
        w = self.worker(lease=2.0, poll_wait=20.0 * TIME_FACTOR)
        for t in ("first", "second", "third"):
            w.register(t, lambda task: b"done")
        with running(w):
            wait_until("waiting on the queues", lambda: self.r.exists(self.key("taker", w.taker)))
            time.sleep(0.5)  # every waiter in its BLMOVE
            began = time.monotonic()
            self.r.rpush(self.key("queue", "third"), json.dumps(delivery("third")))
            wait_until("completed", lambda: [r for r in self.reports() if r["kind"] == "completed"], timeout=8.0 * TIME_FACTOR)
            self.assertLess(time.monotonic() - began, 8.0 * TIME_FACTOR)

    def test_a_delivery_brought_in_without_a_free_slot_waits_unclaimed_and_goes_back_on_stop(self) -> None:
        w = self.worker(lease=0.3, concurrency=1, poll_wait=5.0, shutdown_grace=0.2)
        running_a = threading.Event()

        def slow(task: Task) -> None:
            running_a.set()
            task.wait(60)
            raise TaskFailed("cancelled")

        w.register("a", slow)
        w.register("b", lambda task: None)
        b = json.dumps(delivery("b"))
        with running(w):
            wait_until("waiting on the queues", lambda: self.r.exists(self.key("taker", w.taker)))
            time.sleep(0.5)
            self.r.rpush(self.key("queue", "a"), json.dumps(delivery("a")))
            self.assertTrue(running_a.wait(WAIT))
            self.r.rpush(self.key("queue", "b"), b)
            wait_until("b brought in by its waiter", lambda: b in self.r.lrange(self.key("inflight", w.taker), 0, -1))
            time.sleep(1.0)  # ten looks at the in-flight list: b is ours, not given back
            self.assertEqual(self.r.lrange(self.key("inflight", w.taker), 0, -1), [b], "held, not claimed: no free slot")
            self.assertEqual(self.r.llen(self.key("queue", "b")), 0)
            self.assertEqual(w.in_flight, 1)
        self.assertEqual(self.r.lrange(self.key("queue", "b"), 0, -1), [b], "given back on stop")
        self.assertEqual(self.r.llen(self.key("inflight", w.taker)), 0)
        self.assertEqual([r["kind"] for r in self.reports()], ["started", "released"])

    def test_a_delivery_without_retries_left_reads_as_zero(self) -> None:
        self.assertEqual(Delivery(json.dumps(delivery("t", retries=3))).retries_left, 0)
        self.assertEqual(Delivery(json.dumps(delivery("t", retries=3, retries_left=1))).retries_left, 1)
        with self.assertRaises(ValueError):
            Delivery(json.dumps(delivery("t", v=2)))


if __name__ == "__main__":
    unittest.main()
