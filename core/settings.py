"""Deployment settings, read once from environment variables (listed in README)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path


def _data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR", "data")).resolve()


def _secret_key(data_dir: Path) -> str:
    """Use SECRET_KEY, or a key generated once under DATA_DIR so restarts keep sessions."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str
    port: int
    data_dir: Path
    secret_key: str
    token_ttl_hours: int
    evidence_max_bytes: int
    import_max_bytes: int
    time_zone: str

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"


@cache
def get_settings() -> Settings:
    data_dir = _data_dir()
    return Settings(
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{data_dir / 'cchc.sqlite'}"),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        data_dir=data_dir,
        secret_key=_secret_key(data_dir),
        token_ttl_hours=int(os.environ.get("TOKEN_TTL_HOURS", "12")),
        evidence_max_bytes=int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))),
        import_max_bytes=int(os.environ.get("IMPORT_MAX_BYTES", str(1024 * 1024 * 1024))),
        time_zone=os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh"),
    )
