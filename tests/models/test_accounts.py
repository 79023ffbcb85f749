from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from core.clock import today, utcnow
from core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from models.accounts.service import (
    NO_UNIT,
    UNIT_SCOPED_ROLES,
    USERNAME_RULE,
    AccountData,
    account_change_problems,
    authenticate,
    change_own_password,
    create_account,
    create_account_unchecked,
    create_api_key,
    delegate_reporter,
    revoke_api_key,
    sign_in,
    update_account,
    username_taken,
)
from models.accounts.tables import Account
from models.units.service import update_unit
from models.vocabulary import Role
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.anyio


async def test_password_is_hashed_with_argon2(db):
    await build_world()
    row = await Account.select(Account.password_hash).where(Account.username == "head_a").first()
    assert row["password_hash"].startswith("$argon2") and PASSWORD not in row["password_hash"]


async def test_sign_in_tokens_expire_and_are_revoked(db):
    w = await build_world()
    token, expires_at = await sign_in("HEAD_A", PASSWORD)
    assert (await authenticate(token)).account_id == w.head_a.account_id
    with pytest.raises(NotAuthenticated):
        await authenticate(token, now=expires_at + timedelta(seconds=1))
    with pytest.raises(NotAuthenticated):
        await sign_in("head_a", "wrong-password")
    with pytest.raises(NotAuthenticated):
        await sign_in("nobody", PASSWORD)
    await change_own_password(w.head_a, PASSWORD, "a-new-long-password")
    with pytest.raises(NotAuthenticated):
        await authenticate(token)
    await sign_in("head_a", "a-new-long-password")


async def test_deactivation_signs_out_and_blocks_sign_in(db):
    w = await build_world()
    token, _ = await sign_in("head_b", PASSWORD)
    await update_account(w.admin, w.head_b.account_id, active=False)
    with pytest.raises(NotAuthenticated):
        await authenticate(token)
    with pytest.raises(NotAuthenticated):
        await sign_in("head_b", PASSWORD)


async def test_api_keys_act_as_their_account_until_revoked(db):
    w = await build_world()
    key, row = await create_api_key(w.admin, w.viewer.account_id, "cổng một cửa")
    assert (await authenticate(key)).username == "viewer"
    assert (await authenticate(key, now=utcnow() + timedelta(days=3650))).username == "viewer"
    await revoke_api_key(w.admin, row["id"])
    with pytest.raises(NotAuthenticated):
        await authenticate(key)


async def test_only_admin_manages_accounts(db):
    w = await build_world()
    for who in (w.staff, w.head_a, w.viewer):
        with pytest.raises(PermissionDenied):
            await create_account(who, AccountData("x", "X", "viewer", None, PASSWORD))
        with pytest.raises(PermissionDenied):
            await create_api_key(who, who.account_id, "k")
        with pytest.raises(PermissionDenied):
            await update_account(who, who.account_id, role="admin")


async def test_account_validation(db):
    w = await build_world()
    with pytest.raises(InvalidInput) as error:
        await create_account(w.admin, AccountData("new", "New", "unit_head", None, PASSWORD))
    assert error.value.errors[0].field == "unit_id"
    with pytest.raises(InvalidInput):
        await create_account(w.admin, AccountData("new", "New", "emperor", None, PASSWORD))
    with pytest.raises(InvalidInput):
        await create_account(w.admin, AccountData("new", "New", "viewer", None, "short"))
    with pytest.raises(Conflict):
        await create_account(w.admin, AccountData("Staff", "Again", "viewer", None, PASSWORD))


async def test_account_list_filters_and_sorts(db):
    from core.paging import PageRequest
    from models.accounts.service import AccountFilter, list_accounts

    w = await build_world()
    heads, total = await list_accounts(
        w.admin, AccountFilter(role="unit_head"), PageRequest(sort="-username")
    )
    assert total == 2 and [a["username"] for a in heads] == ["head_b", "head_a"]
    in_unit, _ = await list_accounts(w.admin, AccountFilter(unit_id=w.unit_a), PageRequest())
    assert [a["username"] for a in in_unit] == ["head_a"]
    found, _ = await list_accounts(w.admin, AccountFilter(q="VIEW"), PageRequest())
    assert [a["username"] for a in found] == ["viewer"]
    with pytest.raises(PermissionDenied):
        await list_accounts(w.staff, AccountFilter(), PageRequest())


async def test_an_admin_cannot_lock_themselves_out(db):
    from core.errors import Conflict
    from models.accounts.service import update_account
    from tests.world import build_world

    world = await build_world()
    for changes in ({"active": False}, {"role": "viewer"}):
        with pytest.raises(Conflict):
            await update_account(world.admin, world.admin.account_id, **changes)
    changed = await update_account(world.admin, world.admin.account_id, full_name="Quản trị")
    assert changed["full_name"] == "Quản trị"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("nguyenvana", "nguyenvana"),
        ("NguyenVanA", "nguyenvana"),  # capitals fold to lower case
        ("tp.yte_2-b", "tp.yte_2-b"),
        ("GiamDoc@SYT.example.vn", "giamdoc@syt.example.vn"),  # an address: notifications are mailed to it
        ("a", "a"),
        ("x" * 64, "x" * 64),
        ("Nguyen Van A", None),  # a space
        ("nguyễn", None),  # a diacritic
        (".hidden", None),  # must start with a letter or digit
        ("x" * 65, None),
        ("", None),
        ("a/b", None),
        ("@syt.example.vn", None),  # must start with a letter or digit
    ],
)
async def test_username_rules(db, typed, stored):
    w = await build_world()
    data = AccountData(typed, "Tên", "viewer", None, PASSWORD)
    if stored is None:
        with pytest.raises(InvalidInput) as error:
            await create_account(w.admin, data)
        assert [e.field for e in error.value.errors] == ["username"]
        assert error.value.errors[0].message == USERNAME_RULE
    else:
        assert (await create_account(w.admin, data))["username"] == stored


async def test_every_problem_with_a_new_account_is_reported_at_once(db):
    w = await build_world()
    with pytest.raises(InvalidInput) as error:
        await create_account(w.admin, AccountData("Nguyen Van A", "A", "unit_head", None, "short"))
    assert [e.field for e in error.value.errors] == ["username", "unit_id", "password"]


async def test_a_password_set_by_an_admin_is_temporary_until_its_owner_changes_it(db):
    w = await build_world()
    created = await create_account(w.admin, AccountData("moi", "Mới", "viewer", None, "tam-thoi-1"))
    assert created["must_change_password"] is True
    token, _ = await sign_in("moi", "tam-thoi-1")
    principal = await authenticate(token)
    assert principal.must_change_password
    await change_own_password(principal, "tam-thoi-1", "cua-rieng-toi")
    again = await authenticate((await sign_in("moi", "cua-rieng-toi"))[0])
    assert not again.must_change_password
    reset = await update_account(w.admin, created["id"], password="dat-lai-123")
    assert reset["must_change_password"] is True  # a reset by an administrator is temporary again
    own = await update_account(w.admin, w.admin.account_id, password="admin-tu-doi")
    assert own["must_change_password"] is False  # an admin's own password is their own


async def test_changing_ones_password_reports_both_problems(db):
    w = await build_world()
    with pytest.raises(InvalidInput) as error:
        await change_own_password(w.viewer, "wrong", "short")
    assert [e.field for e in error.value.errors] == ["old_password", "password"]


# --- a closed unit is not given to an account; one already in it keeps it -------------------


def _closing(days_from_today: int) -> date:
    return today() + timedelta(days=days_from_today)


@pytest.mark.parametrize(
    ("last_day", "refused"),
    [
        (-400, True),  # closed more than a year ago
        (-1, True),  # its last day was yesterday
        (0, False),  # today is its last day: still in force
        (30, False),  # closing next month
        (None, False),  # open
    ],
)
async def test_a_closed_unit_is_not_given_to_a_new_or_moved_account(db, last_day, refused):
    w = await build_world()
    if last_day is not None:
        await update_unit(w.admin, w.unit_b, {"valid_to": _closing(last_day)})
    new = AccountData("moi", "Mới", "unit_head", w.unit_b, PASSWORD)
    moves = (
        ("create", lambda: create_account(w.admin, new)),
        ("move", lambda: update_account(w.admin, w.head_a.account_id, unit_id=w.unit_b)),
        ("name a reporter", lambda: delegate_reporter(w.admin, w.unit_b, replace(new, username="bc"))),
    )
    for what, call in moves:
        if not refused:
            assert (await call())["unit"] == w.unit_b, what
            continue
        with pytest.raises(InvalidInput) as error:
            await call()
        assert [e.field for e in error.value.errors] == ["unit_id"], what
        day = (_closing(last_day) + timedelta(days=1)).strftime("%d/%m/%Y")
        assert error.value.errors[0].message == (
            f"Đơn vị này đã ngừng hoạt động từ ngày {day}; hãy chọn một đơn vị đang hoạt động."
        )
    if refused:  # nothing written
        assert not await Account.exists().where(Account.username.is_in(["moi", "bc"]))
        assert (await Account.select(Account.unit).where(Account.id == w.head_a.account_id).first())[
            "unit"
        ] == w.unit_a


async def test_an_account_in_a_unit_since_closed_keeps_it_through_other_changes(db):
    w = await build_world()
    await update_unit(w.admin, w.unit_b, {"valid_to": date(2025, 6, 30)})
    kept = await update_account(w.admin, w.head_b.account_id, full_name="Trưởng B", role="reporter")
    assert (kept["unit"], kept["role"]) == (w.unit_b, "reporter")
    again = await update_account(w.admin, w.head_b.account_id, unit_id=w.unit_b)  # sent unchanged
    assert again["unit"] == w.unit_b
    # the operator (the demo's history, the CLI) may still record an account of a closed unit
    old = await create_account_unchecked(AccountData("cu", "Cũ", "unit_head", w.unit_b, PASSWORD))
    assert old["unit"] == w.unit_b


# --- leaving a unit: only a role that acts for no unit -------------------------------------


@pytest.mark.parametrize("role", list(Role))
async def test_an_account_leaves_its_unit_only_where_its_role_allows_none(db, role):
    w = await build_world()
    account = await create_account(w.admin, AccountData("nguoi", "Người", role.value, w.unit_a, PASSWORD))
    if role in UNIT_SCOPED_ROLES:
        with pytest.raises(InvalidInput) as error:
            await update_account(w.admin, account["id"], unit_id=NO_UNIT)
        assert [(e.field, e.message) for e in error.value.errors] == [
            ("unit_id", f"{role.label} phải gắn với một đơn vị.")
        ]
        assert (await Account.select(Account.unit).where(Account.id == account["id"]).first())[
            "unit"
        ] == w.unit_a
        # becoming a viewer and leaving the unit together is allowed
        left = await update_account(w.admin, account["id"], role="viewer", unit_id=NO_UNIT)
        assert (left["role"], left["unit"]) == ("viewer", None)
        return
    left = await update_account(w.admin, account["id"], unit_id=NO_UNIT)
    assert (left["role"], left["unit"]) == (role.value, None)
    kept = await update_account(w.admin, w.head_a.account_id, role="viewer")  # None: the unit kept
    assert (kept["role"], kept["unit"]) == ("viewer", w.unit_a)


async def test_every_problem_with_an_account_change_at_once(db):
    w = await build_world()
    problems = await account_change_problems(w.head_a.account_id, unit_id=NO_UNIT, password="ngan")
    assert [(e.field, e.message) for e in problems] == [
        ("unit_id", "Thủ trưởng đơn vị phải gắn với một đơn vị."),
        ("password", "Mật khẩu phải có ít nhất 8 ký tự."),
    ]
    with pytest.raises(InvalidInput) as error:
        await update_account(w.admin, w.head_a.account_id, full_name="X", unit_id=NO_UNIT, password="ngan")
    assert [e.field for e in error.value.errors] == ["unit_id", "password"]
    row = (
        await Account.select(Account.full_name, Account.unit).where(Account.id == w.head_a.account_id).first()
    )
    assert row == {"full_name": "Head_A", "unit": w.unit_a}  # nothing written
    assert (await username_taken("HEAD_A")).message == "Tên đăng nhập đã tồn tại."
    assert await username_taken("head_c") is None


async def test_a_new_temporary_password_signs_the_account_out_everywhere(db):
    """What the confirmation before it says: sessions and API keys revoked, a change at the
    next sign-in."""
    w = await build_world()
    token, _ = await sign_in("head_b", PASSWORD)
    key, _ = await create_api_key(w.admin, w.head_b.account_id, "máy")
    reset = await update_account(w.admin, w.head_b.account_id, password="tam-thoi-moi")
    assert reset["must_change_password"] is True
    for credential in (token, key):
        with pytest.raises(NotAuthenticated):
            await authenticate(credential)
    with pytest.raises(NotAuthenticated):
        await sign_in("head_b", PASSWORD)
    assert (await authenticate((await sign_in("head_b", "tam-thoi-moi"))[0])).must_change_password


# --- a new password must differ from the current one ---------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "errors"),
    [
        (PASSWORD, PASSWORD, [("new_password", "Mật khẩu mới phải khác mật khẩu hiện tại.")]),
        (PASSWORD, PASSWORD + " ", []),  # one character more is another password
        (PASSWORD, PASSWORD.upper(), []),
        (PASSWORD, "mat-khau-moi-1", []),
        ("wrong-one", "wrong-one", [("old_password", "Mật khẩu hiện tại không đúng.")]),
        (PASSWORD, "short", [("password", "Mật khẩu phải có ít nhất 8 ký tự.")]),
    ],
)
async def test_a_new_password_must_differ_from_the_current_one(db, old, new, errors):
    w = await build_world()
    if errors:
        with pytest.raises(InvalidInput) as error:
            await change_own_password(w.viewer, old, new)
        assert [(e.field, e.message) for e in error.value.errors] == errors
        assert await authenticate((await sign_in("viewer", PASSWORD))[0])  # unchanged
    else:
        await change_own_password(w.viewer, old, new)
        assert await authenticate((await sign_in("viewer", new))[0])


async def test_a_temporary_password_kept_as_it_is_stays_temporary(db):
    w = await build_world()
    await create_account(w.admin, AccountData("moi", "Mới", "viewer", None, "tam-thoi-1"))
    token, _ = await sign_in("moi", "tam-thoi-1")
    principal = await authenticate(token)
    with pytest.raises(InvalidInput) as error:
        await change_own_password(principal, "tam-thoi-1", "tam-thoi-1")
    assert [e.field for e in error.value.errors] == ["new_password"]
    still = await authenticate(token)  # not signed out
    assert still.must_change_password


# --- a person's name is something to read -------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "message"),
    [
        ("", "Nhập họ và tên."),
        ("   ", "Nhập họ và tên."),
        ("\t\n ", "Nhập họ và tên."),
        ("\u200b\u00ad", "Nhập họ và tên."),  # invisible characters only: nothing to read
        ("x" * 256, "Họ và tên tối đa 255 ký tự."),
        ("x" * 255, None),
        ("  Nguyễn Văn A  ", None),  # the spaces around are trimmed
        ("A", None),
    ],
)
async def test_an_account_needs_a_full_name_on_creation_and_change(db, full_name, message):
    w = await build_world()
    data = AccountData("moi", full_name, Role.VIEWER.value, None, PASSWORD)
    if message is None:
        created = await create_account(w.admin, data)
        assert created["full_name"] == full_name.strip()
        changed = await update_account(w.admin, w.viewer.account_id, full_name=full_name)
        assert changed["full_name"] == full_name.strip()
        return
    with pytest.raises(InvalidInput) as error:
        await create_account(w.admin, data)
    assert [(e.field, e.message) for e in error.value.errors] == [("full_name", message)]
    assert not await Account.exists().where(Account.username == "moi")  # nothing written
    problems = await account_change_problems(w.viewer.account_id, full_name=full_name)
    assert [(e.field, e.message) for e in problems] == [("full_name", message)]
    with pytest.raises(InvalidInput):
        await update_account(w.admin, w.viewer.account_id, full_name=full_name, role="admin")
    row = (
        await Account.select(Account.full_name, Account.role).where(Account.id == w.viewer.account_id).first()
    )
    assert row == {"full_name": "Viewer", "role": "viewer"}  # nothing written, the role neither


async def test_a_reporter_named_by_a_unit_head_needs_a_name_too(db):
    w = await build_world()
    with pytest.raises(InvalidInput) as error:
        await delegate_reporter(w.head_a, w.unit_a, AccountData("bc_a", " ", "reporter", None, PASSWORD))
    assert [e.field for e in error.value.errors] == ["full_name"]
