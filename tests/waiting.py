"""Waiting for work the tests started in the background (a report run, an import job, a server):
by a deadline in seconds, never by a count of turns. CI's machine is shared by two test workers,
Chromium and LibreOffice (every report run converts its .docx), so one step can take many times
its quiet duration; the deadlines are generous and a passing test does not wait for them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from core import background

T = TypeVar("T")
DEFAULT_SECONDS = 180.0


async def wait_until(
    check: Callable[[], Awaitable[T]],
    what: str = "",
    seconds: float = DEFAULT_SECONDS,
    interval: float = 0.05,
) -> T:
    """The first truthy value ``check`` gives; AssertionError naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if value := await check():
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what or check}")
        await asyncio.sleep(interval)


async def _idle() -> bool:
    return not background._running


async def background_idle(seconds: float = DEFAULT_SECONDS) -> None:
    """Every job this process started in the background has ended (before the test's loop closes)."""
    await wait_until(_idle, f"background work to end: {background._running}", seconds)
