from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.forms import CaseFilterForm
from casebridge.lib import crypto
from casebridge.lib.views import AuthedRequest
from casebridge.people.search import MAX_QUERY, SEARCH_FILTERS, Hit, hit_items, query_problem, search_with_cases

# Searches kept in the session (encrypted: a query may be a name) so that the results page has
# an address without the name in it, and the Back button comes back to the results.
KEPT_SEARCHES = 10


def _keep(request: AuthedRequest, data: dict[str, str]) -> str:
    searches = request.session.get("searches", {})
    sid = secrets.token_urlsafe(12)
    sealed = crypto.encrypt(json.dumps(data).encode(), _aad(request, sid))
    searches = dict(list(searches.items())[-(KEPT_SEARCHES - 1) :]) | {sid: sealed}
    request.session["searches"] = searches
    return sid


def _kept(request: AuthedRequest, sid: str) -> dict[str, str] | None:
    sealed = request.session.get("searches", {}).get(sid)
    if not sealed:
        return None
    try:
        return dict(json.loads(crypto.decrypt(sealed, _aad(request, sid))))
    except (crypto.DecryptionError, ValueError):
        return None


def _aad(request: AuthedRequest, sid: str) -> bytes:
    return crypto.associated_data("search", str(request.user.pk), sid)


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    # POST, not GET: a name in the URL would end up in server logs and browser history. The
    # results then have an address of their own (?r=, a random id of the search kept in the
    # session), so Back from a case returns to them.
    data: dict[str, str] | None = None
    expired = False
    target: str | None = None
    if request.method == "POST":
        data = {k: str(request.POST.get(k, "")) for k in ("q", *SEARCH_FILTERS) if k in request.POST}
    elif request.GET.get("r"):
        data = _kept(request, request.GET["r"])
        expired = data is None
    raw = (data or {}).get("q", "")
    problem = query_problem(raw) if raw.strip() else ""
    query = "" if problem else raw.strip()
    form = CaseFilterForm(data, user=request.user) if data is not None else CaseFilterForm(None, user=request.user)
    if request.method == "POST" and query and not (form.is_bound and form.errors):
        sid = _keep(request, data or {})
        target = f"{reverse('people:search')}?r={sid}"
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect(target)
    results: list[tuple[Hit, list[Any]]] = []
    if query:
        results = search_with_cases(request.user, query, form.filters())
        # The query itself is not stored: it may be a name.
        case_ids = {hit.person.pk: [c.pk for c in cases] for hit, cases in results}
        record(request.user, Action.SEARCH, hit_items([hit for hit, _cases in results], case_ids))
    fragment = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    response = render(
        request,
        "people/_results.html" if fragment else "people/search.html",
        {
            "query": query or raw.strip()[:MAX_QUERY],
            "searched": bool(query),
            "problem": problem,
            "expired": expired,
            "results": results,
            "form": form,
            "filter_fields": [form[name] for name in SEARCH_FILTERS],
        },
        status=400 if problem or (form.is_bound and form.errors) else 200,
    )
    if target is not None and fragment:
        response["HX-Push-Url"] = target
    return response
