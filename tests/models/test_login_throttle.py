"""The failed sign-in throttle: per (username, client) and per client, lifting with time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import TooManyAttempts
from models.accounts.throttle import LoginThrottle

T0 = datetime(2024, 6, 14, 2, 0, tzinfo=UTC)


def test_five_failures_lock_the_pair_until_the_window_passes():
    throttle = LoginThrottle(per_account=5, per_client=30, window=timedelta(minutes=15))
    for n in range(5):
        throttle.check("Head_A", "10.0.0.1", T0 + timedelta(minutes=n))
        throttle.failed("Head_A", "10.0.0.1", T0 + timedelta(minutes=n))
    with pytest.raises(TooManyAttempts) as locked:
        throttle.check("head_a", "10.0.0.1", T0 + timedelta(minutes=5))
    assert locked.value.status_code == 429 and locked.value.retry_after == 600
    assert locked.value.errors[0].message == "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 10 phút."
    throttle.check("head_a", "10.0.0.2", T0 + timedelta(minutes=5))  # another address: not locked
    throttle.check("head_a", "10.0.0.1", T0 + timedelta(minutes=15, seconds=1))  # the first failure expired


def test_success_clears_the_pair_and_a_client_trying_many_names_is_locked():
    throttle = LoginThrottle(per_account=3, per_client=5, window=timedelta(minutes=15))
    for _ in range(2):
        throttle.failed("lan", "10.0.0.9", T0)
    throttle.succeeded("lan", "10.0.0.9", T0)
    throttle.failed("lan", "10.0.0.9", T0)
    throttle.check("lan", "10.0.0.9", T0)
    for name in ("a", "b", "c", "d"):
        throttle.failed(name, "10.0.0.9", T0)
    with pytest.raises(TooManyAttempts):
        throttle.check("someone-else", "10.0.0.9", T0)
    throttle.reset()
    throttle.check("someone-else", "10.0.0.9", T0)
