"""Every form in the UI, fed arbitrary input by someone entitled to use it: a clear 4xx (or the
normal answer), never a server error, and the audit chain still verifies.

The test client re-raises any exception a view lets escape, so a 500 fails the test with its
traceback. NUL characters are in the alphabet: PostgreSQL refuses them in text."""

from __future__ import annotations

import uuid

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebridge.audit.log import verify

VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40).map(lambda t: t + "\x00"),
    st.text(min_size=2000, max_size=12000),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "2026-02-30", "3000-01-01", "true", "KH-12", "khm"]),
    st.sampled_from(["identity", "crisis_care", "sharing", "given", "guardian", "Closed", "not_justified"]),
    st.builds(lambda: str(uuid.uuid4())),
)

FORMS = {
    "cases:new": [
        "agency", "family_name", "given_name", "family_name_latin", "given_name_latin", "aliases", "birth_date",
        "estimated_age", "age_method", "gender", "nationalities", "other_nationalities", "languages",
        "other_languages", "phone", "address", "province", "opened_on", "submission",
    ],
    "cases:note_create": ["section", "body", "submission"],
    "cases:status": ["status", "closure_reason", "closure_note", "confirmed"],
    "cases:team_add": ["colleague", "username", "agency", "sections", "submission"],
    "consents:new": [
        "purpose", "shared_with", "decision", "given_by", "child_assent", "decided_on", "language", "note",
        "submission",
    ],
    "people:search": ["q"],
    "audit:break_glass": ["case_number", "reason"],
    "set_language": ["language", "next"],
}  # fmt: skip
OK = {200, 302, 400, 403, 404, 409}


def _url(name: str, world) -> str:  # type: ignore[no-untyped-def]
    if name in {"cases:note_create", "cases:status", "cases:team_add", "consents:new"}:
        return reverse(name, args=[world.case.pk])
    return reverse(name)


def _check(client, url: str, fields: list[str], data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    payload = data.draw(st.dictionaries(st.sampled_from(fields), VALUES, max_size=len(fields)))
    headers = {"HX-Request": "true"} if data.draw(st.booleans()) else {}
    response = client.post(url, payload, headers=headers)
    assert response.status_code in OK, (url, payload, response.status_code)


def test_every_form_answers_bad_input_without_a_server_error(world, login):
    client = login(world.social_worker)

    @settings(
        max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
    )
    @given(st.sampled_from(sorted(FORMS)), st.data())
    def post_something(name: str, data: st.DataObject) -> None:
        _check(client, _url(name, world), FORMS[name], data)

    for _ in range(len(FORMS)):
        post_something()
    assert verify().ok
