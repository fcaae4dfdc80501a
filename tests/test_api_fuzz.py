"""Schemathesis over every API operation, with all its generation (valid and invalid input, the
coverage phase's boundary values, random fuzzing) and its checks: no server error, every status
code, content type, header and body as the schema documents them, invalid input refused, an
operation without a token refused, an undocumented method answered 405.

Twice: as the social worker who leads the world's case, and as the outsider (OTH), who reaches
nothing. Most generated ids and agency numbers are pointed at the world's objects so the requests
get past the lookups; the rest stay random. On top of schemathesis's checks: an error answer
writes nothing, and the outsider never gets the case, its number or its survivor's name.

The seed is fixed, so a run is repeatable; each test item is one operation, with its own world.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.case import Case as ApiCase

from casebridge.api.authentication import issue_token
from casebridge.cases.api import UUID_RE
from casebridge.cases.models import Case
from casebridge.lib.testing import World
from casebridge.wsgi import application

SEED = int(__import__("os").environ.get("FZ_SEED", "20260401"))
MAX_EXAMPLES = int(__import__("os").environ.get("FZ_EXAMPLES", "20"))


def _schema(phases: list[str]) -> Any:
    """The schema the API serves at /api/v1/schema/, generated in-process: collection runs before
    any test database exists, and the schema view, like every view, opens a transaction."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["all"],
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {name: {"enabled": name in phases} for name in ("examples", "coverage", "fuzzing")},
            # Valid by the schema is not valid by the rules a schema cannot state: a case closed
            # needs a reason, a date cannot be in the future, an agency must be one of yours.
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
    )
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = application
    return loaded


# The lead gets the coverage phase too (every boundary and wrong type of every field, hundreds of
# requests for the writes); the outsider is refused before any field is read.
lead_schema = _schema(["examples", "coverage", "fuzzing"])
outsider_schema = _schema(["examples", "fuzzing"])


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes database connections at the end of each request, which would close
    the test's transaction; Django's own test client unhooks the same signal handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def state_query() -> str:
    """One query for the number of rows in every casebridge table."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m.__module__.startswith("casebridge.")}
    )
    quote = connection.ops.quote_name
    # Table names come from the models and are quoted.
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608


def _state(query: str, world: World) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        counts = tuple(cursor.fetchone())
    return counts, tuple(Case.objects.filter(pk=world.case.pk).values_list().get())


def _point_at_world(case: ApiCase, world: World) -> None:
    """Three requests in four, a well-formed id is the world's case (or an agency) and an agency
    number a real agency, so the operation gets past its lookups. Chosen by a hash of the
    generated request, so Hypothesis replays the same request when it shrinks or reports."""
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 4 == 0:
        return
    agencies = sorted(a.pk for a in world.agencies.values())
    ident = case.path_parameters.get("id")
    if isinstance(ident, str) and re.fullmatch(UUID_RE, ident):
        case.path_parameters = {**case.path_parameters, "id": str(world.case.pk)}
    elif isinstance(ident, int) and not isinstance(ident, bool):
        case.path_parameters = {**case.path_parameters, "id": agencies[ident % len(agencies)]}
    if isinstance(case.body, dict):
        body = dict(case.body)
        for name in ("lead_agency", "shared_with", "agency"):
            number = body.get(name)
            if isinstance(number, int) and not isinstance(number, bool):
                body[name] = world.agencies["JPC"].pk if name == "lead_agency" else agencies[number % len(agencies)]
        username = body.get("username")
        if isinstance(username, str):
            body["username"] = sorted(world.users)[len(username) % len(world.users)]
        case.body = body


def _call(case: ApiCase, world: World, token: str, state_query: str) -> Any:
    _point_at_world(case, world)
    before = _state(state_query, world)
    response = case.call_and_validate(headers={"Authorization": f"Token {token}"})
    if response.status_code >= 400:
        assert _state(state_query, world) == before, f"{response.status_code} but something was written"
    return response


@pytest.fixture
def lead_token(world: World) -> str:
    return issue_token(world.users["social_worker"])


@pytest.fixture
def outsider_token(world: World) -> str:
    return issue_token(world.users["outsider"])


@lead_schema.parametrize()
def test_it_answers_the_lead_as_documented(case: ApiCase, world: World, lead_token: str, state_query: str) -> None:
    _call(case, world, lead_token, state_query)


@outsider_schema.parametrize()
def test_it_gives_an_outsider_nothing_of_the_case(
    case: ApiCase, world: World, outsider_token: str, state_query: str
) -> None:
    response = _call(case, world, outsider_token, state_query)
    if case.path_parameters.get("id") == str(world.case.pk):
        assert response.status_code == 404, response.text  # the same answer as for a case that does not exist
    survivor = world.case.survivor
    for secret in (str(world.case.pk), world.case.number, survivor.given_name, survivor.given_name_latin):
        assert secret not in response.text
