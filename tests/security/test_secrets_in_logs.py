"""No secret (password, token, API key, SECRET_KEY, password hash) reaches a log line, the
console or the audit log, whatever happens during sign-in and API-key use."""

from __future__ import annotations

import logging
import re

import pytest

from core.settings import get_settings
from models.accounts.tables import Account, Credential
from tests.world import PASSWORD

pytestmark = pytest.mark.anyio
WRONG_PASSWORD = "Sai-mat-khau-2024!"
NEW_PASSWORD = "Mat-khau-moi-2024!"
CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def test_no_secret_is_logged_during_sign_in_and_api_key_use(client, world, headers, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    secrets = {PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, get_settings().secret_key}

    # Sign-in over the API: a failure, a success, a malformed body.
    assert (
        await client.post("/api/auth/login", json={"username": "viewer", "password": WRONG_PASSWORD})
    ).status_code == 401
    signed_in = await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD})
    token = signed_in.json()["access_token"]
    secrets.add(token)
    await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD, "extra": 1})
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/auth/me", headers=bearer)).status_code == 200
    assert (
        await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}x"})
    ).status_code == 401

    # An API key: made, used, used wrongly, revoked, used again.
    created = await client.post(
        "/api/api-keys",
        json={"account_id": world.viewer.account_id, "name": "một cửa"},
        headers=headers["admin"],
    )
    key, key_id = created.json()["key"], created.json()["api_key"]["id"]
    secrets.add(key)
    assert (await client.get("/api/units", headers={"X-API-Key": key})).status_code == 200
    assert (await client.get("/api/units", headers={"X-API-Key": key + "x"})).status_code == 401
    await client.delete(f"/api/api-keys/{key_id}", headers=headers["admin"])
    assert (await client.get("/api/units", headers={"X-API-Key": key})).status_code == 401

    # Passwords set and changed; an account created with one.
    await client.post(
        "/api/auth/password",
        json={"old_password": WRONG_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer,
    )
    await client.post(
        "/api/auth/password", json={"old_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=bearer
    )
    await client.post(
        "/api/users",
        json={"username": "moi", "full_name": "Mới", "role": "viewer", "password": NEW_PASSWORD + "1"},
        headers=headers["admin"],
    )
    secrets.add(NEW_PASSWORD + "1")

    # The web sign-in form: a wrong password, then the right one.
    form_token = CSRF_INPUT.search((await client.get("/login")).text).group(1)
    for password in (WRONG_PASSWORD, NEW_PASSWORD):
        await client.post(
            "/login",
            data={"username": "viewer", "password": password, "_csrf_token": form_token},
            follow_redirects=False,
        )
    secrets |= {cookie for cookie in client.cookies.values() if len(cookie) > 20}

    # What the database holds for them is secret too: hashes and token digests.
    secrets |= {row["password_hash"] for row in await Account.select(Account.password_hash)}
    secrets |= {row["digest"] for row in await Credential.select(Credential.digest)}

    audit = await client.get("/api/audit", params={"limit": 500}, headers=headers["admin"])
    printed = capsys.readouterr()
    logged = [
        " ".join([record.getMessage(), record.exc_text or "", str(record.__dict__.get("args", ""))])
        for record in caplog.records
    ]
    assert len(caplog.records) > 10  # the requests were logged, just not their secrets
    for secret in secrets:
        assert len(secret) >= 8
        for line in logged:
            assert secret not in line, (secret[:4] + "…", line[:200])
        assert secret not in printed.out and secret not in printed.err
        assert secret not in audit.text
