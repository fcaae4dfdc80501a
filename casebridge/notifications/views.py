"""The notifications page: what happened that the user should know, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casebridge.lib.views import AuthedRequest, page_range
from casebridge.notifications.models import Notification


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    notes = Notification.objects.visible_to(request.user)
    page = Paginator(notes, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "pages": page_range(page)})


@login_required
@require_POST
def mark_read(request: AuthedRequest) -> HttpResponse:
    Notification.objects.visible_to(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:inbox")
