from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from models.accounts.service import (
    USERNAME_RULE,
    AccountData,
    authenticate,
    change_own_password,
    create_account,
    create_api_key,
    revoke_api_key,
    sign_in,
    update_account,
)
from models.accounts.tables import Account
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
