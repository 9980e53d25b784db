"""What the SDK's tests share: the servers they are given, workers run on threads, waiting.

The tests run from PythonSdkTest (mvn -B test), which starts a node and passes its addresses:

    IGOR_TEST_REDIS_URL   Redis of the node (redis://127.0.0.1:6379)
    IGOR_TEST_KEY_PREFIX  the node's key prefix
    IGOR_TEST_API_URL     the node's HTTP API (http://127.0.0.1:PORT)
    IGOR_TEST_LEASE       the node's lease in seconds (short, so that tests outlive several)
    IGOR_TEST_TIME_FACTOR how much slower this machine is than a quiet one (waits scale with it)

By hand, with a node running (igor dev) and the SDK on the path:

    IGOR_TEST_REDIS_URL=redis://127.0.0.1:6379 IGOR_TEST_KEY_PREFIX=igor \\
      IGOR_TEST_API_URL=http://127.0.0.1:8100 IGOR_TEST_LEASE=30 PYTHONPATH=sdk/python/src \\
      python3 -m unittest discover -s sdk/python/tests -v
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import unittest
import uuid
from typing import Any, Callable, Iterator, Optional

import redis

from igor_sdk import IgorClient, Worker

REDIS_URL = os.environ.get("IGOR_TEST_REDIS_URL", "redis://127.0.0.1:6379")
PREFIX = os.environ.get("IGOR_TEST_KEY_PREFIX", "")
API_URL = os.environ.get("IGOR_TEST_API_URL", "")
LEASE = float(os.environ.get("IGOR_TEST_LEASE", "2"))
TIME_FACTOR = float(os.environ.get("IGOR_TEST_TIME_FACTOR", "1"))
WAIT = 30.0 * TIME_FACTOR


def needs_node(case: unittest.TestCase) -> None:
    """Fails (never skips) when the test was not given a node: PythonSdkTest always gives one."""
    if not (PREFIX and API_URL):
        case.fail("IGOR_TEST_KEY_PREFIX and IGOR_TEST_API_URL are not set: run from PythonSdkTest or see tests/support.py")


def own_prefix() -> str:
    """A key prefix of its own, where no node runs: for tests of the wire without a node."""
    return "igor-sdk-test-%s" % uuid.uuid4().hex[:12]


def clean(prefix: str) -> None:
    """Deletes the keys under a prefix made by own_prefix() (never the node's)."""
    r = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    keys = list(r.scan_iter(match=prefix + ":*", count=1000))
    if keys:
        r.delete(*keys)
    r.close()


def unique(type_: str) -> str:
    """A task type of this test alone, so that workers of other tests never take its tasks."""
    return "%s-%s" % (type_, uuid.uuid4().hex[:8])


def client() -> IgorClient:
    return IgorClient(API_URL)


@contextlib.contextmanager
def running(worker: Worker) -> Iterator[Worker]:
    """Runs the worker on a thread for the block, then stops it and waits for its shutdown."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            worker.run(install_signal_handlers=False)
        except BaseException as e:  # noqa: B902 - reported by the test
            failure.append(e)

    t = threading.Thread(target=run, name="test-worker", daemon=True)
    t.start()
    try:
        yield worker
    finally:
        worker.stop()
        t.join(WAIT)
        if t.is_alive():
            raise AssertionError("worker %s did not stop within %.0f s" % (worker.name, WAIT))
        if failure:
            raise AssertionError("worker %s failed: %r" % (worker.name, failure[0]))


def worker(prefix: Optional[str] = None, **options: Any) -> Worker:
    """A worker on the node's Redis and prefix (or another prefix), with the node's lease."""
    options.setdefault("lease", LEASE)
    options.setdefault("api_url", API_URL or None)
    return Worker(REDIS_URL, prefix or PREFIX, **options)


def wait_until(what: str, condition: Callable[[], Any], timeout: float = WAIT) -> Any:
    """Polls until condition() is truthy and answers it; fails naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("not within %.0f s: %s" % (timeout, what))
        time.sleep(0.05)


def job_of(tasks: list[dict[str, Any]], name: str = "sdk-test") -> dict[str, Any]:
    return {"name": name, "layers": [{"tasks": tasks}]}


def task_named(job: dict[str, Any], name: str) -> dict[str, Any]:
    for layer in job["layers"]:
        for t in layer["tasks"]:
            if t.get("name") == name:
                return dict(t)
    raise AssertionError("no task named %s in %s" % (name, job))
