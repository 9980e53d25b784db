"""Igor's Python SDK: a worker that runs handlers for task types (igor_sdk.worker, speaking
docs/worker-protocol.md with Redis) and a client of the HTTP API (igor_sdk.client)."""

from .client import FINAL_STATUSES, IgorClient, IgorError, Ref, Result, ResultsPage, task
from .worker import SDK_VERSION, Handler, SkipTask, Task, TaskFailed, Worker

__version__ = SDK_VERSION
__all__ = [
    "FINAL_STATUSES",
    "Handler",
    "IgorClient",
    "IgorError",
    "Ref",
    "Result",
    "ResultsPage",
    "SkipTask",
    "Task",
    "TaskFailed",
    "Worker",
    "task",
]
