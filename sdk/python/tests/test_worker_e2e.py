"""SDK workers (on threads of this process) run a real node's tasks: outcomes, the task's fields,
concurrency, a kill reaching the handler, a stop that gives attempts back, tasks added by a
handler, and outcomes over the limits."""

from __future__ import annotations

import base64
import threading
import time
import unittest
from typing import Any, Dict, List

from igor_sdk import Ref, SkipTask, Task, TaskFailed, task
from support import LEASE, WAIT, client, job_of, needs_node, running, task_named, unique, wait_until, worker


class WorkerEndToEndTest(unittest.TestCase):
    def setUp(self) -> None:
        needs_node(self)
        self.igor = client()

    def test_outcomes_and_the_tasks_fields_reach_the_job(self) -> None:
        kind = unique("py-sdk")
        seen: Dict[str, Any] = {}
        w = worker(concurrency=4)

        @w.handler(kind)
        def act(t: Task) -> Any:
            seen.setdefault(t.name, []).append((t.attempt, t.retries, t.timeout, t.deadline is not None, t.job_id, t.layer_id))
            if t.text == "upper":
                t.message = "a note"
                return t.text.upper()
            if t.text == "skip":
                raise SkipTask("not needed")
            if t.text == "fail":
                raise TaskFailed("disk full", retryable=False)
            raise RuntimeError("flaky")

        job = self.igor.create_job(
            job_of(
                [
                    task(kind, "upper", name="upper", timeout=60),
                    task(kind, "skip", name="skip"),
                    task(kind, "fail", name="fail", retries=3),
                    task(kind, "error", name="error", retries=1),
                ]
            )
        )
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT)
        upper = task_named(done, "upper")
        self.assertEqual((upper["status"], base64.b64decode(upper["result"]), upper["message"]), ("COMPLETED", b"UPPER", "a note"))
        self.assertEqual((task_named(done, "skip")["status"], task_named(done, "skip")["message"]), ("SKIPPED", "not needed"))
        fail = task_named(done, "fail")
        self.assertEqual((fail["status"], fail["message"], fail["attempts"]), ("ERRORED", "disk full", 1))
        error = task_named(done, "error")
        self.assertEqual((error["status"], error["message"], error["attempts"]), ("ERRORED", "flaky", 2))
        layer_id = done["layers"][0]["id"]
        self.assertEqual(seen["upper"], [(1, 0, 60, True, job["id"], layer_id)])
        self.assertEqual(seen["error"], [(1, 1, 0, False, job["id"], layer_id), (2, 1, 0, False, job["id"], layer_id)])

    def test_no_more_than_concurrency_handlers_run_at_once(self) -> None:
        kind = unique("py-sdk-conc")
        lock = threading.Lock()
        running_now: List[int] = [0]
        most: List[int] = [0]
        w = worker(concurrency=3)

        @w.handler(kind)
        def busy(t: Task) -> str:
            with lock:
                running_now[0] += 1
                most[0] = max(most[0], running_now[0])
            deadline = time.monotonic() + WAIT
            while most[0] < 3 and time.monotonic() < deadline:  # until three ran side by side
                time.sleep(0.01)
            time.sleep(0.05)
            with lock:
                running_now[0] -= 1
            return "ok"

        job = self.igor.create_job(job_of([task(kind, name="t%d" % n) for n in range(9)]))
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT)
        self.assertEqual(done["status"], "COMPLETED")
        self.assertEqual(most[0], 3)

    def test_a_kill_reaches_the_running_handler(self) -> None:
        kind = unique("py-sdk-kill")
        seen: Dict[str, Any] = {}
        w = worker()

        @w.handler(kind)
        def block(t: Task) -> str:
            seen["cancelled"] = t.wait(WAIT)
            seen["withdrawn"] = t.withdrawn
            raise TaskFailed("stopped")

        job = self.igor.create_job(job_of([task(kind, name="k", retries=2)]))
        with running(w):
            t = wait_until("running", lambda: task_named(self.igor.job(job["id"]), "k") if task_named(self.igor.job(job["id"]), "k")["status"] == "RUNNING" else None)
            self.assertEqual(self.igor.kill(Ref.task(t["id"])), 1)
            done = self.igor.await_job(job["id"], timeout=WAIT)
            wait_until("the handler returned", lambda: "withdrawn" in seen)
        killed = task_named(done, "k")
        self.assertEqual((killed["status"], killed["message"], killed["attempts"]), ("ERRORED", "killed", 1))
        self.assertEqual(seen, {"cancelled": True, "withdrawn": True})

    def test_a_stopped_worker_gives_its_attempt_back_and_another_completes_it_without_a_retry(self) -> None:
        kind = unique("py-sdk-stop")
        a = worker(name="a", shutdown_grace=0.2)
        release = threading.Event()
        a.register(kind, lambda t: "late" if release.wait(WAIT) else "never")  # ignores the cancel
        job = self.igor.create_job(job_of([task(kind, name="given")]))
        with running(a):
            wait_until("running on a", lambda: task_named(self.igor.job(job["id"]), "given")["status"] == "RUNNING")
        release.set()
        b = worker(name="b")
        b.register(kind, lambda t: "by %s, attempt %d" % ("b", t.attempt))
        with running(b):
            done = self.igor.await_job(job["id"], timeout=WAIT)
        given = task_named(done, "given")
        self.assertEqual((given["status"], given["attempts"], base64.b64decode(given["result"])), ("COMPLETED", 2, b"by b, attempt 2"))

    def test_heartbeats_keep_an_attempt_that_runs_for_several_leases(self) -> None:
        kind = unique("py-sdk-long")
        w = worker()
        w.register(kind, lambda t: "slept" if not t.wait(LEASE * 3.5) else "cancelled")
        job = self.igor.create_job(job_of([task(kind, name="long")]))
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT + LEASE * 3.5)
        long = task_named(done, "long")
        self.assertEqual((long["status"], long["attempts"], base64.b64decode(long["result"])), ("COMPLETED", 1, b"slept"))

    def test_a_handler_adds_tasks_to_a_later_layer_of_its_job(self) -> None:
        kind = unique("py-sdk-add")
        w = worker()

        @w.handler(kind)
        def expand(t: Task) -> Any:
            if t.text == "expand":
                later = self.igor.job(t.job_id)["layers"][1]["id"]
                return ",".join(t.add_tasks(later, [{"type": kind, "args": "leaf", "name": "leaf-%d" % n} for n in range(2)]))
            return "leaf done"

        job = self.igor.create_job({"layers": [{"tasks": [task(kind, "expand", name="root")]}, {"priority": 1, "tasks": [task(kind, "leaf", name="seed")]}]})
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT)
        self.assertEqual(done["status"], "COMPLETED")
        leaves = done["layers"][1]["tasks"]
        self.assertEqual(sorted(t["name"] for t in leaves), ["leaf-0", "leaf-1", "seed"])
        added = [t["id"] for t in leaves if t["name"] != "seed"]
        self.assertEqual(sorted(base64.b64decode(task_named(done, "root")["result"]).decode().split(",")), sorted(added))

    def test_a_result_over_the_limit_fails_the_task_for_good_naming_the_limit(self) -> None:
        kind = unique("py-sdk-big")
        w = worker(max_result_bytes=4)
        w.register(kind, lambda t: b"12345")
        job = self.igor.create_job(job_of([task(kind, name="big", retries=2)]))
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT)
        big = task_named(done, "big")
        self.assertEqual((big["status"], big["attempts"]), ("ERRORED", 1))
        self.assertEqual(big["message"], "the worker's result of 5 bytes is over the limit of 4 bytes (igor.reports.max-result-bytes)")


if __name__ == "__main__":
    unittest.main()
