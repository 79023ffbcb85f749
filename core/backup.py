"""Backups of the database: SQLite through its online backup API (a consistent copy while the
service runs), PostgreSQL through pg_dump's custom format. Files under DATA_DIR (evidence,
generated reports) are plain files: copy the folder alongside.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from core.db import prepare_sqlite_file, sqlite_path


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return tool


def backup(database_url: str, target: Path) -> Path:
    """Write a backup of the database to ``target`` (which must not exist)."""
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    if (source := sqlite_path(database_url)) is not None:
        if not source.exists():
            raise BackupError(f"no database at {source}")
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
        copy.close()
        return target
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", database_url])
    return target


def restore(backup_file: Path, database_url: str) -> None:
    """Restore a backup into an empty database (a new SQLite file, or a new PostgreSQL one)."""
    if not backup_file.is_file():
        raise BackupError(f"no backup at {backup_file}")
    if (target := sqlite_path(database_url)) is not None:
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} exists; restore into a new file")
        with sqlite3.connect(backup_file) as saved, sqlite3.connect(target) as fresh:
            saved.backup(fresh)
        fresh.close()
        prepare_sqlite_file(target)
        return
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--dbname={database_url}",
            str(backup_file),
        ]
    )


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-1000:]}")
