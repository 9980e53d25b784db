"""PENDING: end to end against a node that has protocol 3's logs and progress (P:logs and
GET /api/v1/tasks/{id}/logs), retries_left in deliveries, and GET /api/v1/jobs/{id}/results.

Not run by the suite yet (unittest discovers test_*.py only): the node of the h/pysdk branch has
none of these. At merge, once the node's parts are in, rename this file to
test_logs_results_e2e.py; PythonSdkTest then runs it with the others (it counts the test methods
of test_*.py, so the rename is all it takes). It expects every endpoint to exist: nothing skips.
"""

from __future__ import annotations

import base64
import unittest
from typing import Any, Dict, List

from igor_sdk import Task, TaskFailed, task
from support import WAIT, client, needs_node, running, task_named, unique, wait_until, worker


class LogsAndResultsEndToEndTest(unittest.TestCase):
    def setUp(self) -> None:
        needs_node(self)
        self.igor = client()

    def test_log_lines_and_progress_of_a_handler_are_read_back_per_attempt(self) -> None:
        kind = unique("py-sdk-logs")
        w = worker()

        @w.handler(kind)
        def chatty(t: Task) -> str:
            t.log("starting attempt %d" % t.attempt)
            t.progress(0.4)
            t.log("disk nearly full", level="warn")
            if t.attempt == 1:
                raise TaskFailed("again")
            t.progress(1.0)
            return "done"

        job = self.igor.create_job({"layers": [{"tasks": [task(kind, name="chatty", retries=1)]}]})
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT)
            self.assertTrue(w.flush_logs(WAIT))
        task_id = task_named(done, "chatty")["id"]

        def both_attempts() -> Any:
            logs = self.igor.task_logs(task_id)
            attempts = logs["attempts"]
            return logs if len(attempts) == 2 and all(len(a["lines"]) == 2 for a in attempts) else None

        logs = wait_until("both attempts' lines", both_attempts)
        self.assertEqual(logs["task_id"], task_id)
        first, second = logs["attempts"]
        self.assertEqual((first["attempt"], first["progress"], first["dropped"]), (1, 0.4, 0))
        self.assertEqual((second["attempt"], second["progress"]), (2, 1.0))
        self.assertEqual([(x["level"], x["line"]) for x in first["lines"]], [("info", "starting attempt 1"), ("warn", "disk nearly full")])
        self.assertEqual([x["line"] for x in second["lines"]], ["starting attempt 2", "disk nearly full"])

    def test_a_handler_reads_the_results_of_an_earlier_layer_page_by_page(self) -> None:
        kind = unique("py-sdk-results")
        w = worker(concurrency=4)

        @w.handler(kind)
        def act(t: Task) -> Any:
            if t.text == "sum":
                results = list(t.results("parts", page_size=2))
                return ",".join(sorted("%s=%s" % (r.name, (r.result or b"-").decode()) for r in results))
            return t.text.upper()

        parts = [task(kind, "p%d" % n, name="part-%d" % n) for n in range(5)]
        job = self.igor.create_job({"layers": [{"name": "parts", "tasks": parts}, {"name": "sum", "priority": 1, "tasks": [task(kind, "sum", name="sum")]}]})
        with running(w):
            done = self.igor.await_job(job["id"], timeout=WAIT)
        self.assertEqual(done["status"], "COMPLETED")
        summed = base64.b64decode(task_named(done, "sum")["result"]).decode()
        self.assertEqual(summed, ",".join("part-%d=P%d" % (n, n) for n in range(5)))
        listed = list(self.igor.results(job["id"], "parts", page_size=2))
        self.assertEqual(sorted(r.name for r in listed), ["part-%d" % n for n in range(5)])
        self.assertTrue(all(r.status == "COMPLETED" for r in listed))

    def test_deliveries_say_how_many_retries_are_left(self) -> None:
        kind = unique("py-sdk-left")
        seen: List[Dict[str, int]] = []
        w = worker()

        @w.handler(kind)
        def fails(t: Task) -> str:
            seen.append({"attempt": t.attempt, "retries": t.retries, "retries_left": t.retries_left})
            raise TaskFailed("again")

        job = self.igor.create_job({"layers": [{"tasks": [task(kind, name="left", retries=2)]}]})
        with running(w):
            self.igor.await_job(job["id"], timeout=WAIT)
        self.assertEqual(seen, [{"attempt": 1, "retries": 2, "retries_left": 2}, {"attempt": 2, "retries": 2, "retries_left": 1}, {"attempt": 3, "retries": 2, "retries_left": 0}])


if __name__ == "__main__":
    unittest.main()
