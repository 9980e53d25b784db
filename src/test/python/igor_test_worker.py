#!/usr/bin/env python3
"""A worker of Igor's Python SDK (sdk/python, package igor_sdk) with the handlers of
PythonWorkerTest. Run by the test only:

    PYTHONPATH=sdk/python/src IGOR_REDIS_URL=... IGOR_REDIS_KEY_PREFIX=... \\
        /usr/bin/python3 src/test/python/igor_test_worker.py --marks DIR --name a --lease 2s

It takes the one type `py_test`. A task's args are JSON: {"mark": "<name>", "act": "<what>", ...}.
Every attempt first appends "<attempt> <worker name>" as a line to DIR/<mark>.runs, so the test
can see how often and where it ran; the acts:

- "sleep": waits "seconds" (stopping early when cancelled) and completes with "slept";
- "block": waits until the attempt is cancelled (at most "seconds", default 600), then writes
  DIR/<mark>.cancelled and fails; with "first_only": true only attempt 1 blocks, later ones
  complete at once with "done";
- "gate": waits until the file DIR/<mark>.go exists (at most "seconds"), then completes;
- "fail": fails with the message "failed on purpose", retryable as "retryable" says;
- "done": completes at once with "done".
"""

import argparse
import json
import logging
import os
import re
import time

from igor_sdk import TaskFailed, Worker


def main():
    env = os.environ.get
    parser = argparse.ArgumentParser()
    parser.add_argument("--marks", required=True, help="the directory of the marks files")
    parser.add_argument("--name", required=True)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--lease", type=seconds, default=seconds("30s"))
    parser.add_argument("--shutdown-grace", type=seconds, default=seconds("10s"))
    a = parser.parse_args()
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(threadName)s %(message)s")
    worker = Worker(
        redis_url=env("IGOR_REDIS_URL"),
        key_prefix=env("IGOR_REDIS_KEY_PREFIX"),
        name=a.name,
        concurrency=a.concurrency,
        lease=a.lease,
        shutdown_grace=a.shutdown_grace,
    )
    worker.register("py_test", lambda task: run(task, a.marks, a.name))
    worker.run()  # SIGTERM: a graceful stop


def seconds(text):
    """A duration as Igor's settings write it ("30s", "500ms", "2m")."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m)?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError("not a duration: %r" % text)
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[m.group(2)]


def run(task, marks, name):
    spec = json.loads(task.text)
    mark = os.path.join(marks, spec["mark"])
    append(mark + ".runs", "%d %s\n" % (task.attempt, name))
    act = spec["act"]
    if act == "sleep":
        if task.wait(float(spec["seconds"])):
            raise TaskFailed("stopped: cancelled")
        return "slept"
    if act == "block":
        if spec.get("first_only") and task.attempt > 1:
            return "done"
        if task.wait(float(spec.get("seconds", 600))):
            append(mark + ".cancelled", "%d %s\n" % (task.attempt, name))
            raise TaskFailed("stopped: cancelled")
        raise TaskFailed("never cancelled")
    if act == "gate":
        deadline = time.monotonic() + float(spec.get("seconds", 600))
        while not os.path.exists(mark + ".go"):
            if time.monotonic() > deadline or task.wait(0.05):
                raise TaskFailed("no go")
        return "done"
    if act == "fail":
        raise TaskFailed("failed on purpose", retryable=bool(spec["retryable"]))
    if act == "done":
        return "done"
    raise TaskFailed("unknown act %r" % act, retryable=False)


def append(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


if __name__ == "__main__":
    main()
