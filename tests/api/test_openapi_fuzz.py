"""Schemathesis against /schema/openapi.json as every role (see tests/api/openapi_fuzz.py).

The fast test sends 5 generated requests per operation, each as one role in turn (make test);
the slow one 50 per operation, each as every role, and records the figures in
tests/bench/results.json (make check).
"""

from __future__ import annotations

import anyio
import pytest
from schemathesis.python import asgi

from api.app import create_app
from core.db import engine_from_url
from models.accounts.throttle import THROTTLE
from models.dossiers.ingest import ingest_records
from models.indices.service import IndexResultData, put_index_result
from piccolo_app import use_engine
from tests.api.openapi_fuzz import Callers, Fuzzer, record
from tests.dossier_data import build_catalogue, dossier

pytestmark = pytest.mark.anyio


async def _some_of_everything(world) -> None:
    """Besides the world's units, plan and tasks: procedures, a dossier and an index result."""
    await build_catalogue(world)
    record_ = {k: v for k, v in dossier("HS-1").items() if v}
    record_["cashless"] = True
    await ingest_records(world.admin, [record_])
    await put_index_result(world.staff, "par_index", 2024, IndexResultData(score=91.49, rank=4, out_of=63))


@pytest.fixture
async def fuzzing(db, database_url, world):
    """The app on its own engine (pooled on PostgreSQL, in Schemathesis' loop) and the callers."""
    await _some_of_everything(world)
    callers = await Callers(world).sign_in_all()
    app = create_app(engine_from_url(database_url))
    yield app, callers
    asgi.shutdown_lifespans()  # closes the app's pool
    use_engine(db)
    THROTTLE.reset()  # generated sign-ins failed from the test client's address


async def _fuzz(fuzzing, max_examples: int, *, every_role: bool, seed: int | None):
    app, callers = fuzzing
    fuzzer = Fuzzer(app, callers, max_examples, every_role=every_role, seed=seed)
    result = await anyio.to_thread.run_sync(fuzzer.run)
    assert not result.failures, "\n\n".join(result.failures)
    assert set(result.cases) == set(callers.headers)
    return result


async def test_every_operation_as_each_role_keeps_to_the_document(fuzzing):
    result = await _fuzz(fuzzing, 5, every_role=False, seed=0)
    assert result.operations >= 60 and result.generated >= 200


@pytest.mark.slow
async def test_every_operation_as_every_role_at_length(fuzzing, engine_name):
    result = await _fuzz(fuzzing, 50, every_role=True, seed=None)
    record(engine_name, result)
