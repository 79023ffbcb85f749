"""A small closed-loop load generator: N requests, C at a time, per-request timings."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

# One request: (method, url, json body or None).
RequestSpec = tuple[str, str, Any]


@dataclass
class RunResult:
    requests: int
    wall_s: float
    latencies_ms: list[float]
    errors: int
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_s if self.wall_s else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 99)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): the value below which pct% of samples fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil(n * pct / 100), at least 1
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def run_load(
    client: httpx.AsyncClient,
    make_request: Callable[[int], RequestSpec],
    *,
    total: int,
    concurrency: int,
    ok: Callable[[httpx.Response], bool],
    max_seconds: float,
) -> RunResult:
    """Send ``total`` requests from ``concurrency`` workers; stop issuing new ones after
    ``max_seconds`` so a slow endpoint cannot blow the benchmark's time budget."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: list[str] = []
    errors = 0
    issued = 0
    stopped = False
    started = time.perf_counter()
    deadline = started + max_seconds

    async def worker() -> None:
        nonlocal issued, errors, stopped
        while issued < total:
            if time.perf_counter() > deadline:
                stopped = True
                return
            index = issued
            issued += 1
            method, url, body = make_request(index)
            t0 = time.perf_counter()
            try:
                response = await client.request(method, url, json=body)
                elapsed = time.perf_counter() - t0
                statuses[response.status_code] += 1
                if not ok(response):
                    errors += 1
                    if len(samples) < 5:
                        samples.append(f"{method} {url} -> {response.status_code}: {response.text[:300]}")
            except httpx.HTTPError as exc:
                elapsed = time.perf_counter() - t0
                statuses[type(exc).__name__] += 1
                errors += 1
                if len(samples) < 5:
                    samples.append(f"{method} {url} -> {type(exc).__name__}: {exc}")
            latencies.append(elapsed * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    return RunResult(len(latencies), wall, latencies, errors, statuses, samples, stopped)
