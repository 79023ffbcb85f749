"""The Piccolo app: every concept's tables, in the order their foreign keys need.

It sits beside piccolo_conf.py, above all packages, because the tables live with their
concepts (models/<concept>/tables.py, reports/tables.py, scheduler/tables.py). The app keeps
the name "models" so that deployed databases keep their migration history.

COMPOSITE_UNIQUE: the tables' composite unique keys (task code per plan, one event per task
version, one firing per schedule and time ...) are unique indexes created by raw-SQL
migrations, and the tables name them in a comment. The installed Piccolo (1.38) can declare
them (``piccolo.constraints.Unique``), but its migrations add such a constraint to an existing
table with ALTER TABLE ... ADD CONSTRAINT, which SQLite does not have, so deployed SQLite
databases could not migrate; two of the keys are partial indexes, which ``Unique`` cannot
express at all. tests/test_migrations_history.py holds the tables and the history in step.
"""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from models.accounts import tables as accounts
from models.audit import tables as audit
from models.dossiers import tables as dossiers
from models.indices import tables as indices
from models.notifications import tables as notifications
from models.plans import tables as plans
from models.procedures import tables as procedures
from models.rounds import tables as rounds
from models.units import tables as units
from reports import tables as reports
from scheduler import tables as scheduler

TABLES = (
    *units.TABLES,
    *accounts.TABLES,
    *plans.TABLES,
    *procedures.TABLES,
    *dossiers.TABLES,
    *indices.TABLES,
    *reports.TABLES,
    *scheduler.TABLES,
    *notifications.TABLES,
    *rounds.TABLES,
    *audit.TABLES,
)

APP_CONFIG = AppConfig(
    app_name="models",
    migrations_folder_path=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "models", "piccolo_migrations"
    ),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)


def use_engine(engine) -> None:
    """Point every table at ``engine`` (instead of the one piccolo_conf names)."""
    for table in TABLES:
        table._meta.db = engine
