"""One screen of what `make check` (and the benchmarks before it) recorded in
tests/bench/results.json: `python -m tests.check_summary [results.json]`.

Each top-level key of the file has a section: the keys with a formatter in SECTIONS get a
written summary, any other key its main figures (scalar values, a few levels deep).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from tests.bench.results import RESULTS_FILE

WIDTH = 100
MAX_LINES = 8  # per section without its own formatter


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def schemathesis(section: dict) -> list[str]:
    lines = [f"checks: {', '.join(section.get('checks', []))}"]
    for engine in ("sqlite", "postgres"):
        run = section.get(engine)
        if not isinstance(run, dict):
            lines.append(f"{engine}: not run")
            continue
        verdict = "OK" if run.get("failures") == 0 else f"{run.get('failures')} FAILING OPERATIONS"
        lines.append(
            f"{engine}: {verdict} — {run['operations']} operations, {_n(run['generated'])} generated requests "
            f"(≤ {run['max_examples_per_operation']} each), {_n(run['cases'])} checked, {run['seconds']} s"
        )
        by_role = " · ".join(f"{role} {_n(n)}" for role, n in run.get("cases_by_role", {}).items())
        lines.append(f"  by role: {by_role}")
        statuses = " ".join(f"{code}×{_n(n)}" for code, n in run.get("statuses", {}).items())
        lines.append(f"  statuses: {statuses}")
    return lines


SECTIONS: dict[str, tuple[str, Callable[[dict], list[str]]]] = {
    "schemathesis": ("Bad input: Schemathesis on the OpenAPI document, as every role", schemathesis),
}


def _scalars(value, prefix: str = "", depth: int = 0):
    if isinstance(value, dict) and depth < 3:
        for key, item in value.items():
            yield from _scalars(item, f"{prefix}{key}.", depth + 1)
    elif isinstance(value, str | int | float | bool) or value is None:
        yield prefix.rstrip("."), value


def generic(section) -> list[str]:
    pairs = [(k, v) for k, v in _scalars(section) if not k.endswith("generated_at")]
    lines = [f"{key} = {_n(value)}" for key, value in pairs[:MAX_LINES]]
    if len(pairs) > MAX_LINES:
        lines.append(f"... and {len(pairs) - MAX_LINES} more figures")
    return lines


def _stamps(section: dict) -> str:
    """When the figures were measured: the section's date, or each engine's own."""
    if "generated_at" in section:
        return section["generated_at"]
    return ", ".join(
        f"{engine} {figures['generated_at']}"
        for engine, figures in section.items()
        if isinstance(figures, dict) and "generated_at" in figures
    )


def summary(results: dict, path: Path) -> list[str]:
    out = [f"make check — results in {path}", "=" * WIDTH]
    ordered = [key for key in SECTIONS if key in results] + [key for key in results if key not in SECTIONS]
    for key in ordered:
        title, formatter = SECTIONS.get(key, (key, generic))
        section = results[key]
        stamp = _stamps(section) if isinstance(section, dict) else ""
        out.append(f"{title}  {stamp}".rstrip())
        out.extend("  " + line[: WIDTH - 2] for line in formatter(section))
    return out


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else RESULTS_FILE
    if not path.exists():
        print(f"{path} does not exist yet: run make check (and make bench, make load)")
        return 1
    print("\n".join(summary(json.loads(path.read_text()), path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
