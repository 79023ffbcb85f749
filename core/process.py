"""Which process holds a claim: "host:pid", and whether that process is known to be dead.

A claim held by a process that died on this host can be taken over at once, instead of
waiting for its lease to run out (a restart after kill -9 resumes the work immediately).
"""

from __future__ import annotations

import os
import socket


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def is_dead(owner: str) -> bool:
    """True only when ``owner`` ran on this host and no process has its pid now."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False
