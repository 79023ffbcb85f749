"""tests/bench/results.json: the figures that make bench, make load, make check and make mutate
record, one section each. Each engine's figures carry their own date, and a run that could not
measure an engine (no PostgreSQL server) keeps that engine's last figures rather than erasing
them or putting a new date on them."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

# CCHC_RESULTS_FILE points a run elsewhere: ``make check`` records into a temporary copy unless
# it is asked to record (RECORD=1), so that a check leaves the tree as it was.
RESULTS_FILE = Path(os.environ.get("CCHC_RESULTS_FILE") or Path(__file__).parent / "results.json").resolve()
ENGINES = ("sqlite", "postgres")


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load() -> dict:
    return json.loads(RESULTS_FILE.read_text(encoding="utf-8")) if RESULTS_FILE.exists() else {}


def save(results: dict) -> None:
    temporary = RESULTS_FILE.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(RESULTS_FILE)


def record_section(key: str, section: dict) -> None:
    """Merge ``section`` into the file under ``key``: each engine's new figures are dated now; an
    engine the run skipped (``{"skipped": why}``) or did not run keeps its earlier figures."""
    results = load()
    previous = results.get(key, {})
    merged = {**previous, **{k: v for k, v in section.items() if k not in ENGINES}}
    merged.pop("generated_at", None)  # dates belong to each engine's figures
    for engine in ENGINES:
        figures = section.get(engine)
        if figures is None or "skipped" in figures:
            if engine in previous:
                merged[engine] = previous[engine]
            elif figures is not None:
                merged[engine] = figures
            continue
        merged[engine] = {"generated_at": now_stamp(), **figures}
    results[key] = merged
    save(results)
