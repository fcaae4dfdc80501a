from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.views import AuthedRequest
from casebridge.people.search import hit_items, search_people


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    # POST, not GET: a name in the URL would end up in server logs and browser history.
    query = request.POST.get("q", "").strip()[:200] if request.method == "POST" else ""
    results = []
    if query:
        hits = search_people(request.user, query)
        cases = Case.objects.visible_to(request.user, Section.IDENTITY).filter(
            survivor_id__in=[h.person.pk for h in hits]
        )
        by_person: dict[object, list[Case]] = {}
        for case in cases:
            by_person.setdefault(case.survivor_id, []).append(case)
        results = [(hit, by_person.get(hit.person.pk, [])) for hit in hits]
        # The query itself is not stored: it may be a name.
        case_ids = {person: [c.pk for c in found] for person, found in by_person.items()}
        record(request.user, Action.SEARCH, hit_items(hits, case_ids))
    template = "people/_results.html" if request.htmx else "people/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"query": query, "results": results})
