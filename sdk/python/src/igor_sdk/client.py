"""A small client of Igor's HTTP API (API v1), on the standard library's urllib.

    from igor_sdk import IgorClient, Ref, task

    igor = IgorClient("http://127.0.0.1:8100", token=None)
    job = igor.create_job({"name": "thumbs", "layers": [{"tasks": [task("resize", b"640")]}]},
                          idempotency_key="thumbs-2026-12-06")
    igor.pause(Ref.layer(job["layers"][0]["id"]))
    done = igor.await_job(job["id"], timeout=60)

Answers are the API's JSON as dicts and lists (README, "API v1 today"; the OpenAPI document at
/api/v1/openapi.json). Refusals raise IgorError with the HTTP status and Igor's message.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Union

Json = Any
FINAL_STATUSES = frozenset({"COMPLETED", "ERRORED", "SKIPPED", "KILLED"})


class IgorError(Exception):
    """Igor refused a request (status 400, 404, 409, 413, ...) or did not answer (status 0)."""

    def __init__(self, status: int, error: str, method: str = "", path: str = "") -> None:
        super().__init__("%s %s: %s%s" % (method, path, "" if status == 0 else "%d " % status, error))
        self.status = status
        self.error = error

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later: no answer, or a 5xx (503: not ready)."""
        return self.status == 0 or self.status >= 500


class Ref(NamedTuple):
    """A job, layer or task to steer; with an etag it changes only while that etag is current."""

    kind: str
    id: str
    etag: Optional[str] = None

    @classmethod
    def job(cls, id: str, etag: Optional[str] = None) -> "Ref":
        return cls("Job", id, etag)

    @classmethod
    def layer(cls, id: str, etag: Optional[str] = None) -> "Ref":
        return cls("Layer", id, etag)

    @classmethod
    def task(cls, id: str, etag: Optional[str] = None) -> "Ref":
        return cls("Task", id, etag)

    def to_json(self) -> Dict[str, str]:
        ref = {"kind": self.kind, "id": self.id}
        if self.etag:
            ref["etag"] = self.etag
        return ref


class Result(NamedTuple):
    """One finished task of an earlier layer (GET /api/v1/jobs/{id}/results)."""

    task_id: str
    name: str
    status: str
    result: Optional[bytes]
    message: str


class ResultsPage(NamedTuple):
    results: List[Result]
    next: Optional[str]


def task(
    type: str,
    args: Union[bytes, str, None] = None,
    *,
    name: Optional[str] = None,
    retries: Optional[int] = None,
    timeout: Optional[int] = None,
    paused_at: Optional[int] = None,
    layer_id: Optional[str] = None,
) -> Dict[str, Any]:
    """A task as the API takes it: args (bytes, or str as UTF-8) base64-encoded, and only the
    fields given (the others take Igor's defaults)."""
    spec: Dict[str, Any] = {"type": type}
    if layer_id is not None:
        spec["layer_id"] = layer_id
    if args is not None:
        raw = args.encode("utf-8") if isinstance(args, str) else bytes(args)
        spec["args"] = base64.b64encode(raw).decode("ascii")
    for field, value in (("name", name), ("retries", retries), ("timeout", timeout), ("paused_at", paused_at)):
        if value is not None:
            spec[field] = value
    return spec


class IgorClient:
    """Igor's HTTP API. Thread-safe: each call is one request of its own."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8100",
        token: Optional[str] = None,
        timeout: float = 30.0,
        ca_file: Optional[str] = None,
    ) -> None:
        """ca_file: a PEM file of the CA(s) to trust for an https base_url whose certificate is
        not signed by one the system trusts (as the Java SDK's Worker.Builder.apiCaFile)."""
        self.base_url = base_url.rstrip("/")
        self.token = token or None
        self.timeout = timeout
        self.ssl_context: Optional[ssl.SSLContext] = None
        if ca_file:
            if not self.base_url.lower().startswith("https://"):
                raise ValueError("a CA file is for an https:// API URL, not %s" % self.base_url)
            self.ssl_context = ssl.create_default_context(cafile=ca_file)

    # --- jobs -------------------------------------------------------------------------------------

    def create_job(self, job: Mapping[str, Any], idempotency_key: Optional[str] = None) -> Json:
        """POST /api/v1/jobs: the whole job with its ids and etags. With an idempotency key, a retry
        of the same request answers the job created first (docs/semantics.md)."""
        return self.request("POST", "/api/v1/jobs", job, headers=_idempotency(idempotency_key))

    def job(self, job_id: str) -> Json:
        """GET /api/v1/jobs/{id}: the job with its layers and tasks, exact."""
        return self.request("GET", "/api/v1/jobs/" + _segment(job_id))

    def job_status(self, job_id: str) -> Json:
        """GET /api/v1/jobs/{id}/status: status, etag and counts, without the tasks."""
        return self.request("GET", "/api/v1/jobs/%s/status" % _segment(job_id))

    def jobs(self, **filters: Any) -> Json:
        """GET /api/v1/jobs with the README's filters (job_ids, statuses, name, limit, ...)."""
        return self.request("GET", "/api/v1/jobs", query=filters)

    def await_job(
        self,
        job_id: str,
        until: Callable[[Json], bool] = lambda job: job.get("status") in FINAL_STATUSES,
        timeout: float = 60.0,
        every: float = 0.2,
    ) -> Json:
        """Polls the job until `until(job)` holds (by default: a final status); raises
        TimeoutError with the last status seen otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if until(job):
                return job
            if time.monotonic() > deadline:
                raise TimeoutError("job %s not as awaited within %.1f s; it is %s" % (job_id, timeout, job.get("status")))
            time.sleep(every)

    # --- tasks ------------------------------------------------------------------------------------

    def tasks(self, **filters: Any) -> Json:
        """GET /api/v1/tasks, newest first: filters job_ids, layer_ids, task_ids, types, statuses,
        name, created_after, ..., limit, offset (a list value is sent comma-separated)."""
        return self.request("GET", "/api/v1/tasks", query=filters)

    def task(self, task_id: str) -> Json:
        """GET /api/v1/tasks/{id}."""
        return self.request("GET", "/api/v1/tasks/" + _segment(task_id))

    def add_tasks(self, tasks: Sequence[Mapping[str, Any]], idempotency_key: Optional[str] = None) -> Json:
        """POST /api/v1/tasks: adds tasks (each with its layer_id, see task(..., layer_id=)) to
        layers of one job that have not started, or run paused. Answers the new tasks."""
        return self.request("POST", "/api/v1/tasks", list(tasks), headers=_idempotency(idempotency_key))

    def task_logs(self, task_id: str) -> Json:
        """GET /api/v1/tasks/{id}/logs: each attempt's progress and log lines (protocol 3)."""
        return self.request("GET", "/api/v1/tasks/%s/logs" % _segment(task_id))

    # --- steering ---------------------------------------------------------------------------------

    def pause(self, *refs: Ref) -> int:
        return self._steer("pause", refs)

    def unpause(self, *refs: Ref) -> int:
        return self._steer("unpause", refs)

    def skip(self, *refs: Ref) -> int:
        return self._steer("skip", refs)

    def kill(self, *refs: Ref) -> int:
        return self._steer("kill", refs)

    def retry(self, *refs: Ref) -> int:
        return self._steer("retry", refs)

    def start(self, *refs: Ref) -> int:
        """Starts now a job that waits for its start time."""
        return self._steer("start", refs)

    def _steer(self, action: str, refs: Sequence[Ref]) -> int:
        """PATCH /api/v1/{action}: how many objects changed."""
        answer = self.request("PATCH", "/api/v1/" + action, [r.to_json() for r in refs])
        return int(answer["updated"])

    # --- results of a layer -----------------------------------------------------------------------

    def results_page(self, job_id: str, layer: str, after: Optional[str] = None, limit: Optional[int] = None) -> ResultsPage:
        """GET /api/v1/jobs/{id}/results?layer=...: one page of the finished tasks of the job's
        layer of that name, and the cursor of the next page (None after the last)."""
        query: Dict[str, Any] = {"layer": layer}
        if after is not None:
            query["after"] = after
        if limit is not None:
            query["limit"] = limit
        answer = self.request("GET", "/api/v1/jobs/%s/results" % _segment(job_id), query=query)
        results = [
            Result(
                task_id=str(r.get("task_id") or ""),
                name=str(r.get("name") or ""),
                status=str(r.get("status") or ""),
                result=None if r.get("result") is None else base64.b64decode(r["result"]),
                message=str(r.get("message") or ""),
            )
            for r in answer.get("results") or []
        ]
        following = answer.get("next")
        return ResultsPage(results, following if isinstance(following, str) and following else None)

    def results(self, job_id: str, layer: str, page_size: Optional[int] = None) -> Iterator[Result]:
        """Every finished task of the job's layer of that name, page after page as it is read."""
        after: Optional[str] = None
        while True:
            page = self.results_page(job_id, layer, after, page_size)
            yield from page.results
            if page.next is None or not page.results:
                return
            after = page.next

    # --- the workers' registry --------------------------------------------------------------------

    def workers(self) -> Json:
        """GET /api/v1/workers: the worker processes, live, gone or stopped."""
        return self.request("GET", "/api/v1/workers")

    # --- HTTP -------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Json:
        """One request; the answer's JSON (None when empty). Raises IgorError."""
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: _query_value(v) for k, v in query.items() if v is not None})
        sent: Dict[str, str] = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        if self.token:
            sent["Authorization"] = "Bearer " + self.token
        sent.update(headers or {})
        req = urllib.request.Request(url, data=data, headers=sent, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout, context=self.ssl_context) as answer:
                text = answer.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            raise IgorError(e.code, _error_of(e.read().decode("utf-8", "replace")), method, path) from None
        except (OSError, ValueError) as e:
            raise IgorError(0, "Igor at %s did not answer: %s" % (self.base_url, e), method, path) from None
        return json.loads(text) if text.strip() else None


def _idempotency(key: Optional[str]) -> Dict[str, str]:
    return {"Idempotency-Key": key} if key else {}


def _segment(id: str) -> str:
    return urllib.parse.quote(id, safe="")


def _query_value(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error_of(text: str) -> str:
    try:
        error = json.loads(text).get("error")
        return str(error) if error else text
    except (ValueError, AttributeError):
        return text
