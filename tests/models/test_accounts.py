from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from models.accounts.service import (
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
