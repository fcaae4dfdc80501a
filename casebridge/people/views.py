from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.forms import CaseFilterForm
from casebridge.lib.views import AuthedRequest
from casebridge.people.search import MAX_QUERY, SEARCH_FILTERS, Hit, hit_items, query_problem, search_with_cases


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    # POST, not GET: a name in the URL would end up in server logs and browser history.
    raw = request.POST.get("q", "") if request.method == "POST" else ""
    problem = query_problem(raw) if raw.strip() else ""
    query = "" if problem else raw.strip()
    form = CaseFilterForm(request.POST if request.method == "POST" else None, user=request.user)
    results: list[tuple[Hit, list[Any]]] = []
    if query:
        results = search_with_cases(request.user, query, form.filters())
        # The query itself is not stored: it may be a name.
        case_ids = {hit.person.pk: [c.pk for c in cases] for hit, cases in results}
        record(request.user, Action.SEARCH, hit_items([hit for hit, _cases in results], case_ids))
    template = "people/_results.html" if request.htmx else "people/search.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "query": query or raw.strip()[:MAX_QUERY],
            "searched": bool(query),
            "problem": problem,
            "results": results,
            "form": form,
            "filter_fields": [form[name] for name in SEARCH_FILTERS],
        },
        status=400 if problem or (form.is_bound and form.errors) else 200,
    )
