"""Schemathesis against the whole API, through Django's WSGI application and the test database:
every operation, with generated (mostly wrong) input, as the lead social worker and as an
outsider. No server error, every answer documented and shaped as the schema says, and the
outsider never gets the case back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from casebridge.api.authentication import issue_token
from casebridge.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes database connections at the end of each request, which would close
    the test's transaction; Django's own test client unhooks the same signal handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _schema(token: str):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", application, headers={"Authorization": f"Token {token}"}
    )


def _operations(schema):  # type: ignore[no-untyped-def]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12, [op.label for op in operations]
    return operations


def _fuzz(world, persona: str, check_response) -> int:  # type: ignore[no-untyped-def]
    token = issue_token(world.users[persona])
    headers = {"Authorization": f"Token {token}"}
    schema = _schema(token)
    calls = 0
    case_id = str(world.case.pk)
    for operation in _operations(schema):
        strategy = operation.as_strategy()

        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, real_id=st.booleans())
        def call(case, real_id: bool) -> None:  # type: ignore[no-untyped-def]
            nonlocal calls
            if real_id and case.path_parameters and "id" in case.path_parameters:
                case.path_parameters["id"] = case_id  # reach the real case, not only random ids
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            check_response(case, response)
            calls += 1

        call()
    return calls


@pytest.mark.django_db
def test_it_answers_every_operation_as_documented_for_an_entitled_user(world):
    calls = _fuzz(world, "social_worker", lambda case, response: None)
    assert calls > 100


@pytest.mark.django_db
def test_it_never_gives_an_outsider_the_case(world):
    number = world.case.number

    def nothing_of_the_case(case, response) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code != 200 or number not in response.text, case.formatted_path
        assert "Srey" not in response.text and "ស្រីពៅ" not in response.text

    assert _fuzz(world, "outsider", nothing_of_the_case) > 100
