"""The days of the demo province's 2025 reorganisation (see demo.loader for the sources)."""

from __future__ import annotations

from datetime import date

DEPARTMENTS_MERGE_DAY = date(2025, 3, 1)  # departments merged
LAST_DEPARTMENT_DAY = date(2025, 2, 28)
MERGE_DAY = date(2025, 7, 1)  # two-level local government: no district, merged communes
LAST_DISTRICT_DAY = date(2025, 6, 30)
