"""How the tests and the benchmarks start the real server: uvicorn, building the app with
``api.app.create_app()`` (as ``cchc serve`` does)."""

from __future__ import annotations

import sys


def uvicorn_command(port: int, *options: str) -> list[str]:
    """The command line of a server on 127.0.0.1:``port``, with uvicorn ``options`` added."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]
