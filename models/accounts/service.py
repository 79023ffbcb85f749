"""Accounts, passwords, session tokens and API keys.

Tokens are random strings handed to the client once; the database keeps only an HMAC of
each (keyed with SECRET_KEY), so a leaked table gives no usable credential.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.clock import today, utcnow
from core.errors import Conflict, FieldError, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from core.paging import PageRequest, apply_sort, contains
from core.settings import get_settings
from core.text import format_date_short, identifier, nfc
from models.accounts.tables import Account, Credential
from models.accounts.throttle import THROTTLE
from models.permissions import Action, Principal
from models.units.service import in_force as unit_in_force
from models.units.tables import Unit
from models.vocabulary import Role

# Roles that act for one unit: the account must name it.
UNIT_SCOPED_ROLES = frozenset({Role.UNIT_HEAD, Role.REPORTER})
SESSION = "session"
API_KEY = "api_key"
MIN_PASSWORD_LENGTH = 8
# Usernames are typed on phones and in scripts: lower-case ASCII letters, digits and . _ - @
# (capitals are folded to lower case), no spaces or diacritics. @ lets an e-mail address be the
# username: notifications are mailed to accounts whose username is an address.
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
USERNAME_RULE = (
    "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các dấu . _ - @, không có khoảng trắng."
)

# ARGON2_PROFILE=test (set by the test suite only) trades strength for speed; production keeps
# argon2-cffi's defaults (RFC 9106 low-memory profile).
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if os.environ.get("ARGON2_PROFILE") == "test"
    else PasswordHasher()
)
# Verifying against this when the username is unknown keeps sign-in time the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Password checks and hashes at once in worker threads (argon2-cffi releases the GIL): the
# cores, at least two.
ARGON2_SLOTS = max(2, os.cpu_count() or 2)
_argon2_slots = CapacityLimiter(ARGON2_SLOTS)


@dataclass(frozen=True)
class AccountData:
    username: str
    full_name: str
    role: str
    unit_id: int | None = None
    password: str | None = None
    # Set by an administrator for someone else: its owner must change it at first sign-in.
    temporary_password: bool = False


def _digest(token: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _password_error(password: str) -> FieldError | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return FieldError(
            "password",
            f"must be at least {MIN_PASSWORD_LENGTH} characters",
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.",
        )
    return None


def _full_name_error(full_name: str) -> FieldError | None:
    """A person's name: something to read (not only spaces or invisible characters), at most
    255 characters as stored."""
    if not identifier(full_name):
        return FieldError("full_name", "must not be blank", "Nhập họ và tên.")
    if len(nfc(full_name)) > 255:
        return FieldError("full_name", "at most 255 characters", "Họ và tên tối đa 255 ký tự.")
    return None


class Unassigned(Enum):
    """``update_account(unit_id=NO_UNIT)``: the account leaves its unit (None keeps it)."""

    NO_UNIT = "no unit"


NO_UNIT = Unassigned.NO_UNIT


async def _role_and_unit_error(
    role: str, unit_id: int | None, *, in_force: bool = True, kept: int | None = None
) -> FieldError | None:
    """What is wrong with giving an account ``role`` in ``unit_id`` (None: no unit): a role
    acting for a unit needs one, and (``in_force``) a unit that has closed is not given to an
    account any more, though one already in it (``kept``) stays."""
    if role not in set(Role):
        return FieldError("role", f"must be one of {', '.join(Role)}", "Vai trò không hợp lệ.")
    if role in UNIT_SCOPED_ROLES and unit_id is None:
        return FieldError(
            "unit_id", f"a {role} account needs a unit", f"{Role(role).label} phải gắn với một đơn vị."
        )
    if unit_id is None:
        return None
    unit = await Unit.select(Unit.valid_to).where(Unit.id == unit_id).first()
    if unit is None:
        return FieldError("unit_id", "no such unit", "Đơn vị không tồn tại.")
    closed_on = unit["valid_to"]
    if in_force and unit_id != kept and not unit_in_force(closed_on, today()):
        return FieldError(
            "unit_id",
            f"the unit closed after {closed_on.isoformat()}",
            f"Đơn vị này đã ngừng hoạt động từ ngày {format_date_short(closed_on + timedelta(days=1))}; "
            "hãy chọn một đơn vị đang hoạt động.",
        )
    return None


def _username(raw: str) -> str:
    return identifier(raw).lower()


def _username_error(username: str) -> FieldError | None:
    if USERNAME.fullmatch(username):
        return None
    return FieldError("username", "1 to 64 of a-z 0-9 . _ - @ (no spaces)", USERNAME_RULE)


async def account_problems(data: AccountData, *, in_force: bool = True) -> list[FieldError]:
    """Everything wrong with a new account's data, all at once (the username's uniqueness
    aside: ``username_taken``). ``in_force``: its unit must not have closed (the operator's
    loading of past accounts, the demo's, passes False)."""
    problems = [
        _username_error(_username(data.username)),
        _full_name_error(data.full_name),
        await _role_and_unit_error(data.role, data.unit_id, in_force=in_force),
        _password_error(data.password or ""),
    ]
    return [error for error in problems if error is not None]


async def username_taken(username: str) -> FieldError | None:
    """The username is someone's already (a form asks before creating, to show it with the
    other errors; the insert is still refused, 409, if it was taken meanwhile)."""
    if await Account.exists().where(Account.username == _username(username)):
        return FieldError("username", "already taken", "Tên đăng nhập đã tồn tại.")
    return None


async def create_account(actor: Principal, data: AccountData) -> dict:
    """An administrator creates an account, in a unit in force; the password they set is a
    temporary one."""
    actor.require(Action.MANAGE_ACCOUNTS)
    return await _create(replace(data, temporary_password=True), in_force=True)


def _check_delegates_for(actor: Principal, unit_id: int) -> None:
    actor.require(Action.DELEGATE_REPORTER)
    if actor.role is Role.UNIT_HEAD and actor.unit_id != unit_id:
        raise PermissionDenied("a unit head names reporters only for their own unit")


async def unit_reporters(actor: Principal, unit_id: int) -> list[dict]:
    """The unit's reporter accounts, for its head (or an administrator)."""
    _check_delegates_for(actor, unit_id)
    query = _filtered_accounts(Account.select(*ACCOUNT_COLUMNS), AccountFilter(Role.REPORTER.value, unit_id))
    return await query.order_by(Account.username)


async def delegate_reporter(actor: Principal, unit_id: int, data: AccountData) -> dict:
    """A unit head names a reporter for their own unit (an administrator, for any unit): an
    account with the reporter role scoped to the unit and a temporary password."""
    _check_delegates_for(actor, unit_id)
    reporter = replace(data, role=Role.REPORTER.value, unit_id=unit_id, temporary_password=True)
    return await _create(reporter, in_force=True)


async def create_account_unchecked(data: AccountData) -> dict:
    """Create an account without a caller (the CLI and the demo loader run as the operator); it
    may be in a unit that has closed since (the demo's history has such accounts)."""
    return await _create(data, in_force=False)


async def _create(data: AccountData, *, in_force: bool) -> dict:
    username = _username(data.username)
    if errors := await account_problems(data, in_force=in_force):
        raise InvalidInput("invalid account", errors)
    if taken := await username_taken(username):
        raise Conflict("username already taken", [taken])
    rows = await Account.insert(
        Account(
            username=username,
            full_name=nfc(data.full_name),
            role=data.role,
            unit=data.unit_id,
            active=True,
            password_hash=_hasher.hash(data.password or ""),
            must_change_password=data.temporary_password,
            created_at=utcnow(),
        )
    ).returning(Account.id)
    return await get_account(rows[0]["id"])


ACCOUNT_COLUMNS = (
    Account.id,
    Account.username,
    Account.full_name,
    Account.role,
    Account.unit,
    Account.active,
    Account.must_change_password,
    Account.created_at,
)


async def get_account(account_id: int) -> dict:
    row = await Account.select(*ACCOUNT_COLUMNS).where(Account.id == account_id).first()
    if row is None:
        raise NotFound(f"account {account_id} not found", "Không tìm thấy tài khoản này.")
    return row


ACCOUNT_SORT_KEYS = {"username": Account.username, "full_name": Account.full_name, "role": Account.role}


@dataclass(frozen=True)
class AccountFilter:
    role: str | None = None
    unit_id: int | None = None
    active: bool | None = None
    q: str | None = None


def _filtered_accounts(query, flt: AccountFilter):
    if flt.role:
        query = query.where(Account.role == flt.role)
    if flt.unit_id is not None:
        query = query.where(Account.unit == flt.unit_id)
    if flt.active is not None:
        query = query.where(Account.active == flt.active)
    if flt.q:
        text = nfc(flt.q)
        query = query.where(contains(Account.username, text) | contains(Account.full_name, text))
    return query


async def list_accounts(actor: Principal, flt: AccountFilter, page: PageRequest) -> tuple[list[dict], int]:
    actor.require(Action.MANAGE_ACCOUNTS)
    query = apply_sort(
        _filtered_accounts(Account.select(*ACCOUNT_COLUMNS), flt), page.sort, ACCOUNT_SORT_KEYS, ["username"]
    )
    rows = await query.limit(page.limit).offset(page.offset)
    return rows, await _filtered_accounts(Account.count(), flt)


def _unit_after(current: dict, unit_id: int | Unassigned | None) -> int | None:
    """The account's unit once ``unit_id`` is applied: NO_UNIT none, None the one it has."""
    if unit_id is NO_UNIT:
        return None
    return current["unit"] if unit_id is None else unit_id


async def account_change_problems(
    account_id: int,
    *,
    full_name: str | None = None,
    role: str | None = None,
    unit_id: int | Unassigned | None = None,
    password: str | None = None,
) -> list[FieldError]:
    """Everything ``update_account`` would refuse in these changes (None: unchanged), all at
    once: a blank name, the role and unit together (a unit head needs a unit, a closed unit is
    not given to anyone, though an account already in it keeps it), the password's length."""
    current = await get_account(account_id)
    problems: list[FieldError | None] = []
    if full_name is not None:
        problems.append(_full_name_error(full_name))
    if role is not None or unit_id is not None:
        new_unit = _unit_after(current, unit_id)
        problems.append(await _role_and_unit_error(role or current["role"], new_unit, kept=current["unit"]))
    if password is not None:
        problems.append(_password_error(password))
    return [error for error in problems if error is not None]


async def update_account(
    actor: Principal,
    account_id: int,
    *,
    full_name: str | None = None,
    role: str | None = None,
    unit_id: int | Unassigned | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> dict:
    """Change an account (None: unchanged; ``unit_id=NO_UNIT``: out of its unit); deactivating
    it or setting its password signs it out everywhere (sessions and API keys), and a password
    set for someone else is temporary: they must change it at their next sign-in."""
    actor.require(Action.MANAGE_ACCOUNTS)
    current = await get_account(account_id)
    if account_id == actor.account_id and (active is False or (role is not None and role != Role.ADMIN)):
        # An admin locking themselves out could leave the system with no admin at all.
        raise Conflict(
            "an admin cannot deactivate or demote their own account",
            [
                FieldError(
                    "role" if active is not False else "active",
                    "own account",
                    "Không thể tự hạ quyền hoặc khóa tài khoản của chính mình.",
                )
            ],
        )
    if errors := await account_change_problems(
        account_id, full_name=full_name, role=role, unit_id=unit_id, password=password
    ):
        raise InvalidInput("invalid account change", errors)
    changes: dict = {}
    if full_name is not None:
        changes[Account.full_name] = nfc(full_name)
    if role is not None or unit_id is not None:
        changes[Account.role] = role or current["role"]
        changes[Account.unit] = _unit_after(current, unit_id)
    if active is not None:
        changes[Account.active] = active
    if password is not None:
        changes[Account.password_hash] = _hasher.hash(password)
        # A password an administrator sets is temporary unless it is their own.
        changes[Account.must_change_password] = account_id != actor.account_id
    if changes:
        await Account.update(changes).where(Account.id == account_id)
    if active is False or password is not None:
        await revoke_all(account_id)
    return await get_account(account_id)


async def own_password_problems(
    principal: Principal, old_password: str, new_password: str, *, client: str | None = None
) -> list[FieldError]:
    """What stops the caller changing their password: a wrong current one (checked under the
    sign-in throttle: else it is an unlimited oracle for a stolen session), a new one the same as
    the current one (it would end a temporary password's forced change and sign the account out
    everywhere while changing nothing), a too short new one."""
    now = utcnow()
    if client is not None:
        THROTTLE.reserve(principal.username, client, now)
    row = await Account.select(Account.password_hash).where(Account.id == principal.account_id).first()
    correct = row is not None and await _verify(row["password_hash"], old_password)
    if correct and client is not None:
        THROTTLE.succeeded(principal.username, client, now)
    unchanged = correct and new_password == old_password  # old_password is the current one
    problems = [
        None if correct else FieldError("old_password", "incorrect", "Mật khẩu hiện tại không đúng."),
        FieldError(
            "new_password", "the same as the current password", "Mật khẩu mới phải khác mật khẩu hiện tại."
        )
        if unchanged
        else _password_error(new_password),
    ]
    return [error for error in problems if error is not None]


async def change_own_password(
    principal: Principal, old_password: str, new_password: str, *, client: str | None = None
) -> None:
    """Check the old password and set the new one (every problem at once, if any), signing the
    account out everywhere and ending a temporary password's forced change."""
    if errors := await own_password_problems(principal, old_password, new_password, client=client):
        raise InvalidInput("password not changed", errors)
    new_hash = await to_thread.run_sync(_hasher.hash, new_password, limiter=_argon2_slots)
    await Account.update({Account.password_hash: new_hash, Account.must_change_password: False}).where(
        Account.id == principal.account_id
    )
    await revoke_all(principal.account_id)


def _verify_here(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def _verify(password_hash: str, password: str) -> bool:
    """Argon2 in a worker thread, at most ARGON2_SLOTS at once: the event loop keeps serving
    (100 concurrent sign-ins on it stalled /healthz for 9 s) and a burst cannot take every CPU."""
    return await to_thread.run_sync(_verify_here, password_hash, password, limiter=_argon2_slots)


async def sign_in(
    username: str, password: str, now: datetime | None = None, *, client: str | None = None
) -> tuple[str, datetime]:
    """Check a password and issue a session token; returns (token, expires_at).

    ``client`` (the caller's address, given by the HTTP layer) turns on the failed-sign-in
    throttle: TooManyAttempts while that username from that client, or that client, is locked;
    the attempt is counted before the password is checked.
    """
    now = now or utcnow()
    if client is not None:
        THROTTLE.reserve(username, client, now)  # before any await: see models.accounts.throttle
    row = (
        await Account.select(Account.id, Account.password_hash, Account.active)
        .where(Account.username == identifier(username).lower())
        .first()
    )
    valid = await _verify(row["password_hash"] if row else _DUMMY_HASH, password)
    if row is None or not valid or not row["active"]:
        raise NotAuthenticated("wrong username or password, or the account is inactive")
    if client is not None:
        THROTTLE.succeeded(username, client, now)
    expires_at = now + timedelta(hours=get_settings().token_ttl_hours)
    token = await _issue(row["id"], SESSION, "", now, expires_at)
    return token, expires_at


async def _issue(account_id: int, kind: str, name: str, now: datetime, expires_at) -> str:
    token = secrets.token_urlsafe(32)
    await Credential.insert(
        Credential(
            digest=_digest(token),
            account=account_id,
            kind=kind,
            name=name,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token


async def create_api_key(actor: Principal, account_id: int, name: str) -> tuple[str, dict]:
    """An API key acting as ``account_id`` (a machine account with the role it needs)."""
    actor.require(Action.MANAGE_ACCOUNTS)
    await get_account(account_id)
    if not name.strip():
        raise InvalidInput.field("name", "must not be empty", "Tên khóa API không được để trống.")
    token = await _issue(account_id, API_KEY, nfc(name), utcnow(), None)
    row = (
        await Credential.select(Credential.id, Credential.account, Credential.name, Credential.created_at)
        .where(Credential.digest == _digest(token))
        .first()
    )
    return token, row


async def list_api_keys(actor: Principal) -> list[dict]:
    actor.require(Action.MANAGE_ACCOUNTS)
    return (
        await Credential.select(
            Credential.id, Credential.account, Credential.name, Credential.created_at, Credential.revoked_at
        )
        .where(Credential.kind == API_KEY)
        .order_by(Credential.id)
    )


async def revoke_api_key(actor: Principal, key_id: int) -> None:
    actor.require(Action.MANAGE_ACCOUNTS)
    updated = (
        await Credential.update({Credential.revoked_at: utcnow()})
        .where((Credential.id == key_id) & (Credential.kind == API_KEY))
        .returning(Credential.id)
    )
    if not updated:
        raise NotFound(f"API key {key_id} not found", "Không tìm thấy khóa API này.")


async def sign_out(principal: Principal) -> None:
    """Revoke the session token the caller used. An API key is not signed out (a client that
    calls this with one would lose its key): an admin revokes keys."""
    if not principal.signed_in:
        raise Conflict(
            "an API key is not signed out; an admin revokes it (DELETE /api/api-keys/{id})",
            [
                FieldError(
                    "X-API-Key", "not a session", "Khóa API không đăng xuất được; quản trị viên thu hồi khóa."
                )
            ],
        )
    await Credential.update({Credential.revoked_at: utcnow()}).where(Credential.id == principal.credential_id)


async def revoke_all(account_id: int) -> None:
    await Credential.update({Credential.revoked_at: utcnow()}).where(
        (Credential.account == account_id) & Credential.revoked_at.is_null()
    )


async def authenticate(token: str, now: datetime | None = None) -> Principal:
    """The caller behind a bearer token or API key, or NotAuthenticated."""
    now = now or utcnow()
    row = (
        await Credential.select(
            Credential.id,
            Credential.kind,
            Credential.expires_at,
            Credential.revoked_at,
            Credential.account.id.as_alias("account_id"),
            Credential.account.username.as_alias("username"),
            Credential.account.role.as_alias("role"),
            Credential.account.unit.as_alias("unit_id"),
            Credential.account.active.as_alias("active"),
            Credential.account.must_change_password.as_alias("must_change_password"),
        )
        .where(Credential.digest == _digest(token))
        .first()
    )
    if (
        row is None
        or row["revoked_at"] is not None
        or (row["expires_at"] is not None and row["expires_at"] <= now)
        or not row["active"]
    ):
        raise NotAuthenticated("missing, expired or revoked credentials")
    return Principal(
        account_id=row["account_id"],
        username=row["username"],
        role=Role(row["role"]),
        unit_id=row["unit_id"],
        credential_id=row["id"],
        signed_in=row["kind"] == SESSION,
        must_change_password=row["must_change_password"],
    )


OPERATOR_USERNAME = "system"


async def operator() -> Principal:
    """The principal for operator commands (CLI, scheduled jobs): an admin account that cannot
    sign in, so history still says who made each change."""
    row = await Account.select(Account.id).where(Account.username == OPERATOR_USERNAME).first()
    if row is None:
        rows = await Account.insert(
            Account(
                username=OPERATOR_USERNAME,
                full_name="Hệ thống (dòng lệnh)",
                role=Role.ADMIN.value,
                unit=None,
                active=False,
                password_hash=_hasher.hash(secrets.token_urlsafe(32)),
                created_at=utcnow(),
            )
        ).returning(Account.id)
        row = rows[0]
    return Principal(account_id=row["id"], username=OPERATOR_USERNAME, role=Role.ADMIN)
