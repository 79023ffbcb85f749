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
class ReportSettings:
    """What an official report says about its issuer (Decree 30 letterhead and signature)."""

    calendar: str  # decree09 | calendar (see reports.periods)
    province: str
    supervising_body: str
    issuing_body: str
    symbol: str
    place: str
    addressee: str
    signer_authority: tuple[str, ...]
    signer_name: str
    recipients: tuple[str, ...]


def _list(name: str, default: str) -> tuple[str, ...]:
    """A "|"-separated setting."""
    return tuple(part.strip() for part in os.environ.get(name, default).split("|") if part.strip())


def _report_settings() -> ReportSettings:
    env = os.environ.get
    return ReportSettings(
        calendar=env("REPORT_CALENDAR", "decree09"),
        province=env("REPORT_PROVINCE", "tỉnh Quảng Ninh"),
        supervising_body=env("REPORT_SUPERVISING_BODY", "UBND TỈNH QUẢNG NINH"),
        issuing_body=env("REPORT_ISSUING_BODY", "SỞ NỘI VỤ"),
        symbol=env("REPORT_SYMBOL", "BC-SNV"),
        place=env("REPORT_PLACE", "Quảng Ninh"),
        addressee=env("REPORT_ADDRESSEE", "Ủy ban nhân dân tỉnh Quảng Ninh"),
        signer_authority=_list("REPORT_SIGNER_AUTHORITY", "KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC"),
        signer_name=env("REPORT_SIGNER_NAME", ""),
        recipients=_list(
            "REPORT_RECIPIENTS",
            "Giám đốc, các Phó Giám đốc Sở;|Lưu: VT, CCHC.",
        ),
    )


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
    report: ReportSettings
    scheduler_in_api: bool
    smtp_host: str
    smtp_port: int
    smtp_sender: str

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


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
        report=_report_settings(),
        scheduler_in_api=os.environ.get("SCHEDULER_IN_API", "true").lower() in {"1", "true", "yes"},
        smtp_host=os.environ.get("SMTP_HOST", ""),
        smtp_port=int(os.environ.get("SMTP_PORT", "25")),
        smtp_sender=os.environ.get("SMTP_SENDER", "cchc@localhost"),
    )
