"""The HTTP client against the real node (jobs, tasks, steering, errors), and its results pages and
headers against a tiny local server (the node of this branch has no results endpoint yet)."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import unittest
import urllib.parse
import uuid
from typing import Any, Dict, List, Tuple

from igor_sdk import IgorClient, IgorError, Ref, Task, Worker, task
from support import client, job_of, needs_node, task_named, unique, wait_until


class ClientAgainstANodeTest(unittest.TestCase):
    def setUp(self) -> None:
        needs_node(self)
        self.igor = client()

    def test_create_with_an_idempotency_key_answers_the_same_job_and_refuses_another_request(self) -> None:
        key = "sdk-%s" % uuid.uuid4()
        spec = job_of([task(unique("nobody"), b"hello", name="a", retries=2, timeout=30)])
        first = self.igor.create_job(spec, idempotency_key=key)
        again = self.igor.create_job(spec, idempotency_key=key)
        self.assertEqual(again["id"], first["id"])
        t = task_named(first, "a")
        self.assertEqual((t["retries"], t["timeout"], base64.b64decode(t["args"])), (2, 30, b"hello"))
        with self.assertRaises(IgorError) as refused:
            self.igor.create_job(job_of([task(unique("nobody"))], name="other"), idempotency_key=key)
        self.assertEqual(refused.exception.status, 409)
        self.assertIn(key, refused.exception.error)
        self.assertFalse(refused.exception.retryable)
        self.assertEqual(self.igor.job(first["id"])["id"], first["id"])
        self.assertEqual(self.igor.job_status(first["id"])["status"], first["status"])

    def test_refusals_carry_the_status_and_igors_message(self) -> None:
        with self.assertRaises(IgorError) as unknown:
            self.igor.job(str(uuid.uuid4()))
        self.assertEqual(unknown.exception.status, 404)
        with self.assertRaises(IgorError) as bad:
            self.igor.create_job({"layers": [{"tasks": [{"name": "x"}]}]})
        self.assertEqual(bad.exception.status, 400)
        self.assertIn("layers[0].tasks[0].type", bad.exception.error)
        with self.assertRaises(IgorError) as gone:
            IgorClient("http://127.0.0.1:1").job(str(uuid.uuid4()))
        self.assertEqual(gone.exception.status, 0)
        self.assertTrue(gone.exception.retryable)

    def test_steering_adding_tasks_and_listing_them(self) -> None:
        nobody = unique("nobody")
        job = self.igor.create_job(
            {"name": "steer", "layers": [{"name": "now", "tasks": [task(nobody, name="queued")]}, {"name": "later", "priority": 1, "tasks": [task(nobody, name="waits")]}]}
        )
        later = job["layers"][1]
        self.assertEqual(self.igor.pause(Ref.layer(later["id"], later["etag"])), 1)
        self.assertEqual(self.igor.pause(Ref.layer(later["id"], later["etag"])), 0, "the etag is stale now")
        added = self.igor.add_tasks([task(nobody, "more", name="added", layer_id=later["id"])], idempotency_key="add-%s" % uuid.uuid4())
        self.assertEqual([t["name"] for t in added], ["added"])
        listed = self.igor.tasks(job_ids=[job["id"]], statuses=["PENDING"])
        self.assertEqual(sorted(t["name"] for t in listed), ["added", "waits"])
        self.assertEqual(self.igor.task(added[0]["id"])["name"], "added")

        queued = task_named(job, "queued")
        self.assertEqual(self.igor.kill(Ref.task(queued["id"])), 1)
        self.assertEqual(task_named(self.igor.await_job(job["id"], lambda j: task_named(j, "queued")["status"] == "ERRORED"), "queued")["message"], "killed")
        self.assertEqual(self.igor.retry(Ref.task(queued["id"])), 1)
        self.assertEqual(self.igor.skip(Ref.task(queued["id"])), 1)
        self.assertEqual(self.igor.skip(Ref.layer(later["id"])), 1)
        self.assertEqual(self.igor.unpause(Ref.layer(later["id"])), 1)
        done = self.igor.await_job(job["id"])
        self.assertEqual(done["status"], "COMPLETED")
        self.assertEqual([t["status"] for layer in done["layers"] for t in layer["tasks"]], ["SKIPPED", "SKIPPED", "SKIPPED"])

    def test_workers_lists_a_running_sdk_worker_then_shows_it_stopped(self) -> None:
        from support import running, worker

        w = worker(name="listed", concurrency=3)
        w.register(unique("listed"), lambda t: None)
        with running(w):
            live = wait_until("the worker listed live", lambda: [x for x in self.igor.workers()["workers"] if x["id"] == w.taker and x["status"] == "live"])
        entry = live[0]
        self.assertEqual((entry["name"], entry["sdk"], entry["sdk_version"], entry["protocol"], entry["concurrency"]), ("listed", "igor-python", "0.3.0", 3, 3))
        self.assertEqual(list(entry["types"].values()), [3])
        stopped = [x for x in self.igor.workers()["workers"] if x["id"] == w.taker]
        self.assertEqual(stopped[0]["status"], "stopped")


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers GET /api/v1/jobs/J/results with two pages and GET /api/v1/tasks/T/logs, and records
    what it was sent."""

    seen: List[Tuple[str, Dict[str, str]]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        Recorder.seen.append((url.path, dict(query, authorization=self.headers.get("Authorization", ""))))
        if url.path.endswith("/logs"):
            body: Dict[str, Any] = {"task_id": "T", "attempts": [{"attempt": 1, "progress": 0.5, "dropped": 0, "lines": [{"at": "2026-12-06T11:00:00Z", "level": "info", "line": "hi"}]}]}
        elif query.get("after") is None:
            body = {
                "results": [
                    {"task_id": "t1", "name": "a", "status": "COMPLETED", "result": base64.b64encode(b"one").decode(), "message": ""},
                    {"task_id": "t2", "name": "b", "status": "SKIPPED", "result": None, "message": "not needed"},
                ],
                "next": "cursor-2",
            }
        else:
            body = {"results": [{"task_id": "t3", "name": "c", "status": "COMPLETED", "result": base64.b64encode(b"three").decode(), "message": "note"}], "next": None}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ResultsTest(unittest.TestCase):
    def setUp(self) -> None:
        Recorder.seen = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def test_results_are_read_page_after_page_with_the_token(self) -> None:
        results = list(IgorClient(self.url, token="s3cret").results("J", "first", page_size=2))
        self.assertEqual([(r.task_id, r.name, r.status, r.result, r.message) for r in results], [("t1", "a", "COMPLETED", b"one", ""), ("t2", "b", "SKIPPED", None, "not needed"), ("t3", "c", "COMPLETED", b"three", "note")])
        self.assertEqual(
            Recorder.seen,
            [
                ("/api/v1/jobs/J/results", {"layer": "first", "limit": "2", "authorization": "Bearer s3cret"}),
                ("/api/v1/jobs/J/results", {"layer": "first", "limit": "2", "after": "cursor-2", "authorization": "Bearer s3cret"}),
            ],
        )

    def test_task_logs_are_read_from_the_tasks_logs(self) -> None:
        logs = IgorClient(self.url).task_logs("T/1")
        self.assertEqual(logs["attempts"][0]["lines"][0]["line"], "hi")
        self.assertEqual(Recorder.seen, [("/api/v1/tasks/T%2F1/logs", {"authorization": ""})])

    def test_a_handler_reads_the_results_of_its_job_through_the_workers_api_url(self) -> None:
        from igor_sdk.worker import Delivery

        message = json.dumps({"v": 1, "job_id": "J", "layer_id": "L", "task_id": "T", "attempt": 1, "delivery_id": "D", "type": "t", "args": ""})
        with_api = Task(Delivery(message), Worker("redis://127.0.0.1:1", "x", api_url=self.url, api_token="tok"), 0)
        self.assertEqual([r.task_id for r in with_api.results("first")], ["t1", "t2", "t3"])
        self.assertEqual(Recorder.seen[0][1]["authorization"], "Bearer tok")
        without = Task(Delivery(message), Worker("redis://127.0.0.1:1", "x"), 0)
        from igor_sdk import TaskFailed

        with self.assertRaises(TaskFailed) as no_api:
            list(without.results("first"))
        self.assertIn("no api_url", str(no_api.exception))
        self.assertFalse(no_api.exception.retryable)


if __name__ == "__main__":
    unittest.main()
