"""The notifications page: what happened that the user should know, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from casebridge.lib.views import AuthedRequest, page_range
from casebridge.notifications.models import Notification


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    notes = Notification.objects.visible_to(request.user)
    page = Paginator(notes, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "pages": page_range(page)})


@login_required
def open_notification(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's notifications read and go where it points."""
    note = get_object_or_404(Notification.objects.visible_to(request.user), pk=notification_id)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(
        note.link if url_has_allowed_host_and_scheme(note.link, None) and note.link else "notifications:inbox"
    )


@login_required
@require_POST
def mark_read(request: AuthedRequest) -> HttpResponse:
    Notification.objects.visible_to(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:inbox")
