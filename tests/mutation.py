"""Mutation testing of the rule modules (``make mutate``; too slow for CI).

Each rule module is mutated by mutmut in a scratch copy of the working tree (the tree itself is
never touched) and every mutant runs against the fast tests that cover that module, on SQLite.
The scores and the surviving mutants, with their diffs, go to tests/bench/results.json under
"mutation". A survivor listed in tests/mutation_equivalents.txt (``mutant name  # reason``,
reviewed like code) is counted as equivalent, not as a survivor.

    python -m tests.mutation                  # every module
    python -m tests.mutation core/text.py     # one module
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import results as results_file

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS_FILE = ROOT / "tests" / "mutation_equivalents.txt"
MUTMUT = Path(sys.executable).parent / "mutmut"
TARGET_SCORE = 90.0
# Each rule module and the fast tests that pin it.
MODULES: dict[str, tuple[str, ...]] = {
    "models/plans/rules.py": (
        "tests/models/test_rules.py",
        "tests/models/test_task_rules.py",
        "tests/models/test_summary_rules.py",
    ),
    "reports/periods.py": ("tests/reports/test_periods.py",),
    "core/text.py": ("tests/core/test_text.py", "tests/core/test_vietnamese_order.py"),
    "models/plans/progress.py": ("tests/models/test_summary.py", "tests/models/test_summary_rules.py"),
    "models/plans/tasks.py": ("tests/models/test_tasks.py", "tests/models/test_task_rules.py"),
    "models/dossiers/records.py": (
        "tests/models/test_dossier_classes.py",
        "tests/models/test_service_index_rules.py",
    ),
    "models/dossiers/stats.py": (
        "tests/models/test_dossier_figures.py",
        "tests/models/test_dossier_stats.py",
    ),
    "models/dossiers/tallies.py": ("tests/models/test_dossier_tallies.py",),
    "models/service_index/indicators.py": ("tests/models/test_service_index_rules.py",),
    "models/service_index/service.py": (
        "tests/models/test_service_index_rules.py",
        "tests/models/test_service_index_split.py",
    ),
    "models/rounds/rules.py": ("tests/models/test_round_rules.py",),
    "reports/runs.py": ("tests/reports/test_periods.py",),
    "reports/docx_kit.py": ("tests/reports/test_render_layout.py",),
    "reports/wording.py": (
        "tests/reports/test_render_content.py",
        "tests/reports/test_render_layout.py",
        "tests/reports/test_issuers.py",
    ),
}
# Where only some functions of a module are rules (the rest is storage and history, or parsing
# and queries, pinned by the API and model tests at large), only theirs are mutated; a method as
# "Class.method". mutmut leaves decorated functions alone, so properties (Figures.on_time_rate)
# are pinned by their tables but not measured here.
RULE_FUNCTIONS: dict[str, tuple[str, ...]] = {
    # How a span splits into the tally's whole months and the rows (the rest is queries and
    # figures, pinned by the service-index model and API tests).
    "models/service_index/service.py": (
        "_month_of",
        "_is_month_end",
        "split_period",
        "pending_in_tally",
        "pending_in_rows",
        "_rest",
        "_merged",
        "scope_name",
    ),
    "models/plans/tasks.py": ("derived", "_apply_report", "_report_errors", "_filtered", "check_can_report"),
    "models/dossiers/records.py": (
        "resolution_timeliness",
        "service_timing",
        "_parse_moment",
        "RowParser._local_date",
    ),
    "models/dossiers/stats.py": (
        "check_period",
        "months",
        "Figures.__add__",
        "Figures.reconciles",
        "appointments_past",
        "UnitTree.representative",
        "UnitTree.merged_into",
        "UnitTree.under",
    ),
    # Which period a report form offers and which it refuses (the rest is runs and files).
    "reports/runs.py": ("default_period_key", "period_begun", "issuable_from"),
    # Where a letterhead name or a title breaks (the rest is python-docx layout).
    "reports/docx_kit.py": ("broken_into_lines", "_at_phrase"),
    # The sentences that state whose figures and which days (the rest by the approval texts).
    "reports/wording.py": ("intro", "figures_moment", "open_sentence", "leaders", "appendix_figures_date"),
    # The events and sums, not the Dialect's PostgreSQL spellings (the runs are on SQLite).
    "models/dossiers/tallies.py": (
        "_flag",
        "_event",
        "_events",
        "_sums",
        "_delta_statements",
        "rollup_select",
        "_add_statements",
        "change_statements",
        "_stored",
        "_difference",
        "_expected_nonzero",
        "rebuild",
    ),
}
# The exit codes (mutmut's stats module) of a mutant the tests caught: they failed or errored,
# or ran past mutmut's limit (15 times the clean run, plus 1 s: reported apart, as "timed_out").
# Any other (the tests passed, or no test reached the mutant) is a survivor.
TIMED_OUT = {36, -24, 24, 152, 255}
KILLED = {1, 3, 37} | TIMED_OUT


def load_equivalents() -> dict[str, str]:
    """Mutant name -> the reviewed reason it cannot change what the module does or prints."""
    equivalents = {}
    for line in EQUIVALENTS_FILE.read_text(encoding="utf-8").splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            equivalents[name.strip()] = reason.strip()
    return equivalents


def scratch_copy() -> Path:
    """The working tree's files (tracked and new, not ignored) copied to a temporary folder."""
    scratch = Path(tempfile.mkdtemp(prefix="cchc-mutate-"))
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, scratch / name)
    return scratch


def write_config(scratch: Path, module: str, tests: tuple[str, ...]) -> None:
    """mutmut reads setup.cfg when pyproject.toml has no [tool.mutmut]."""
    package = module.split("/", 1)[0]
    lines = [
        "[mutmut]",
        f"source_paths = {package}",
        f"only_mutate = {module}",
        "also_copy =\n    piccolo_conf.py\n    piccolo_app.py\n    core\n    models\n    reports",
        "pytest_add_cli_args =\n    -q\n    -p\n    no:cacheprovider\n    -k\n    not postgres",
        "pytest_add_cli_args_test_selection =\n" + "\n".join(f"    {test}" for test in tests),
    ]
    (scratch / "setup.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")


def mutant_diff(scratch: Path, name: str) -> str:
    shown = subprocess.run([MUTMUT, "show", name], cwd=scratch, capture_output=True, text=True)
    return "\n".join(
        line
        for line in shown.stdout.splitlines()
        if line.startswith(("+", "-")) and line[:3] not in ("+++", "---")
    )


def mutant_patterns(module: str) -> list[str]:
    """mutmut's names for the mutants of the module's rule functions (all when none are named)."""
    dotted = module.removesuffix(".py").replace("/", ".")
    if module not in RULE_FUNCTIONS:
        return [f"{dotted}.*"]
    return [f"{dotted}.{_mangled(function)}__mutmut_*" for function in RULE_FUNCTIONS[module]]


def _mangled(function: str) -> str:
    """mutmut's name for a function ("x_name") or a method ("xǁClassǁname")."""
    owner, _, name = function.rpartition(".")
    return f"xǁ{owner}ǁ{name}" if owner else f"x_{function}"


def mutate_module(module: str, tests: tuple[str, ...], equivalents: dict[str, str]) -> dict:
    scratch = scratch_copy()
    try:
        write_config(scratch, module, tests)
        env = {**os.environ, "CI": "", "PYTHONDONTWRITEBYTECODE": "1", "HYPOTHESIS_PROFILE": "mutation"}
        patterns = mutant_patterns(module)
        subprocess.run([MUTMUT, "run", "--max-children", "2", *patterns], cwd=scratch, env=env, check=True)
        meta = json.loads((scratch / "mutants" / f"{module}.meta").read_text(encoding="utf-8"))
        codes = {
            name: code
            for name, code in meta["exit_code_by_key"].items()
            if any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
        }
        survivors = sorted(name for name, code in codes.items() if code not in KILLED)
        unexplained = [name for name in survivors if name not in equivalents]
        killed = len(codes) - len(survivors)
        judged = killed + len(unexplained)
        return {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": "sqlite",
            "tests": list(tests),
            "functions": list(RULE_FUNCTIONS.get(module, ("all",))),
            "mutants": len(codes),
            "killed": killed,
            "timed_out": sum(code in TIMED_OUT for code in codes.values()),
            "equivalent": len(survivors) - len(unexplained),
            "survived": len(unexplained),
            "score": round(100.0 * killed / judged, 1) if judged else None,
            "survivors": [{"mutant": name, "diff": mutant_diff(scratch, name)} for name in unexplained],
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def save(figures: dict[str, dict]) -> None:
    results = results_file.load()
    results.setdefault("mutation", {}).update(figures)
    results_file.save(results)


def main(argv: list[str]) -> int:
    modules = argv or list(MODULES)
    equivalents = load_equivalents()
    figures = {}
    for module in modules:
        figures[module] = mutate_module(module, MODULES[module], equivalents)
        save({module: figures[module]})  # each module's figures as soon as they are known
    print(f"\nmutation scores (target {TARGET_SCORE:g}%), in {results_file.RESULTS_FILE}:")
    for module, result in figures.items():
        print(
            f"  {module}: {result['score']}% — {result['killed']} killed ({result['timed_out']} by a timeout), "
            f"{result['survived']} survived, "
            f"{result['equivalent']} equivalent, of {result['mutants']}"
        )
        for survivor in result["survivors"]:
            print(f"    {survivor['mutant']}\n      " + survivor["diff"].replace("\n", "\n      "))
    return 0 if all((r["score"] or 0) >= TARGET_SCORE for r in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
