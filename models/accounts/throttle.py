"""Refuse sign-in for a while after repeated failures, per username and client address.

Passwords are checked with argon2, which is slow by design, but nothing stopped a client from
guessing all day. A (username, client) pair is locked after MAX_PER_ACCOUNT failures within
WINDOW, and a client after MAX_PER_CLIENT failures whatever the usernames (one address trying
many accounts). The lock lifts when the oldest counted failure leaves the window; a successful
sign-in clears the pair's count. Another address is not locked out, so a stranger cannot lock
a colleague out of the office PC.

An attempt is reserved (counted as a failure) before its password is checked, in one step with
the check of the limits, and handed back only if it succeeds: a burst of concurrent guesses
gets no more checks than the limit (counting failures after the check let 40 at once through).

The counts live in the process's memory: one API process per database (see api.app), and a
restart forgets them, which only ever shortens a lock.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from core.errors import TooManyAttempts
from core.text import fold

MAX_PER_ACCOUNT = 5
MAX_PER_CLIENT = 30
WINDOW = timedelta(minutes=15)
MAX_KEYS = 100_000  # forget the oldest keys beyond this, so the table cannot grow without end


class LoginThrottle:
    def __init__(
        self, per_account: int = MAX_PER_ACCOUNT, per_client: int = MAX_PER_CLIENT, window: timedelta = WINDOW
    ) -> None:
        self.per_account = per_account
        self.per_client = per_client
        self.window = window
        self._failures: dict[tuple, deque[datetime]] = {}

    def _keys(self, username: str, client: str) -> tuple[tuple, tuple]:
        return ("account", fold(username), client), ("client", client)

    def _recent(self, key: tuple, now: datetime) -> deque[datetime]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def check(self, username: str, client: str, now: datetime) -> None:
        """TooManyAttempts (with the seconds to wait) while the pair or the client is locked."""
        waits = []
        for key, limit in zip(self._keys(username, client), (self.per_account, self.per_client), strict=True):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append((times[len(times) - limit] + self.window - now).total_seconds())
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            minutes = max(1, math.ceil(seconds / 60))
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {seconds} s",
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
                seconds,
            )

    def failed(self, username: str, client: str, now: datetime) -> None:
        for key in self._keys(username, client):
            self._failures.setdefault(key, deque()).append(now)
        while len(self._failures) > MAX_KEYS:
            self._failures.pop(next(iter(self._failures)))

    def reserve(self, username: str, client: str, now: datetime) -> None:
        """Check the limits and count this attempt as failed until ``succeeded`` says otherwise
        (no await between the two: concurrent attempts each see the ones before)."""
        self.check(username, client, now)
        self.failed(username, client, now)

    def succeeded(self, username: str, client: str, reserved_at: datetime) -> None:
        """Clear the pair's count and hand back the client's reservation made at ``reserved_at``."""
        account_key, client_key = self._keys(username, client)
        self._failures.pop(account_key, None)
        times = self._failures.get(client_key)
        if times is not None and reserved_at in times:
            times.remove(reserved_at)

    def reset(self) -> None:
        self._failures.clear()


THROTTLE = LoginThrottle()
