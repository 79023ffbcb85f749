"""Work the API starts and does not wait for (an import, a report), in the server's loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine

_running: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones


def run_in_background(work: Coroutine) -> asyncio.Task:
    task = asyncio.create_task(work)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task
