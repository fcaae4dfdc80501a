"""No response carrying case data may be cached (the trust core, second pass, item 6): every URL
pattern, answered to a signed-in user (page, htmx fragment, API with a token), says
``Cache-Control: no-store, private`` whatever its status."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from casebridge.api.authentication import issue_token


def _named(resolver: URLResolver, namespace: str = "") -> list[tuple[str, list[str]]]:
    """Every named route with the names of its arguments."""
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _named(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((namespace + pattern.name, list(pattern.pattern.regex.groupindex)))
    return found


def _url(name: str, arguments: list[str], case_id: uuid.UUID) -> str:
    """The route filled with the world's case, 1, a word or a format: the first that fits."""
    words = [str(case_id), "1", "approve", "json", "accounts", "care-plan", "plan"]
    for values in itertools.product(words, repeat=len(arguments)):
        try:
            return reverse(name, kwargs=dict(zip(arguments, values, strict=True)))
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def test_it_tells_every_cache_to_keep_nothing(world, login):
    routes = _named(get_resolver())
    assert len(routes) > 40
    client = login(world.social_worker)
    token = issue_token(world.social_worker)
    checked = 0
    statuses = set()
    for name, arguments in routes:
        url = _url(name, arguments, world.case.pk)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}, {"HTTP_AUTHORIZATION": f"Token {token}"}):
            response = client.get(url, **headers)
            assert response["Cache-Control"] == "no-store, private", (url, response.status_code)
            statuses.add(response.status_code)
            checked += 1
    assert checked == 3 * len(routes)
    assert {200, 302, 404} <= statuses


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/cases/", "/no-such-page/"])
def test_it_says_so_before_sign_in_too(db, client, path):
    assert client.get(path)["Cache-Control"] == "no-store, private"
