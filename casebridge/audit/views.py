"""Privacy pages: emergency access (break the glass), its review, and a case's access log."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casebridge.agencies.actions import awaiting_approval, do_approve_membership, do_refuse_membership
from casebridge.audit import words
from casebridge.audit.forms import AccessLogFilterForm, ReviewFilterForm
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action, AuditEvent
from casebridge.cases import actions
from casebridge.cases.models import BreakGlass, ReviewOutcome
from casebridge.cases.views import get_case_for_user
from casebridge.lib.errors import ActionError
from casebridge.lib.views import AuthedRequest, action_error_page, apply_errors, page_range

# What the one who broke the glass did, in order, this many to a page of the review.
REVIEW_EVENTS = 200
# Events per page of an access log (consecutive reads on a page are shown as one line).
PAGE_EVENTS = 100


class BreakGlassForm(forms.Form):
    case_number = forms.CharField(label=gettext_lazy("Case number"), max_length=32)
    reason = forms.CharField(
        label=gettext_lazy("Why do you need access now?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Your reason is sent to the lead agency's privacy officer. Do not write names."),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    review_note = forms.CharField(
        label=gettext_lazy("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
def break_glass(request: AuthedRequest) -> HttpResponse:
    if not actions.can_break_glass(request.user):
        return render(
            request,
            "error.html",
            {"message": _("Your role does not allow emergency access to case content.")},
            status=403,
        )
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            glass = actions.do_break_glass(
                form.cleaned_data["case_number"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            if glass is None:
                form.add_error("case_number", _("No case has this number. Your attempt has been recorded."))
            else:
                messages.warning(
                    request,
                    _("Emergency access granted until %(time)s. The lead agency's privacy officer has been told.")
                    % {"time": timezone.localtime(glass.expires_at).strftime("%H:%M")},
                )
                return redirect("cases:detail", case_id=glass.case_id)
    return render(request, "audit/break_glass.html", {"form": form}, status=400 if form.errors else 200)


def _kept(request: AuthedRequest) -> str:
    """The query string without the page number (pages keep the filters)."""
    kept = request.GET.copy()
    kept.pop("page", None)
    return kept.urlencode()


@login_required
def review_list(request: AuthedRequest) -> HttpResponse:
    """Emergency accesses the user reviews, waiting ones first, filtered by state, person and day."""
    uses = BreakGlass.objects.reviewable_by(request.user)
    form = ReviewFilterForm(request.GET, uses=uses)
    narrowed = (
        form.narrow(uses)
        .select_related("case", "user", "reviewed_by")
        .order_by(F("reviewed_at").desc(nulls_first=True), "-started_at", "-id")
    )
    page = Paginator(narrowed, 25).get_page(request.GET.get("page"))
    record(request.user, Action.LIST, [Item("break_glass", str(g.pk), g.case_id) for g in page.object_list])
    return render(
        request,
        "audit/review_list.html",
        {"page": page, "pages": page_range(page), "form": form, "extra": _kept(request)},
        status=400 if form.errors else 200,
    )


@login_required
def review(request: AuthedRequest, glass_id: int) -> HttpResponse:
    glass = get_object_or_404(
        BreakGlass.objects.reviewable_by(request.user).select_related("case", "user"), pk=glass_id
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_review_break_glass(
                glass, actor=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["review_note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Review saved."))
            return redirect("audit:break_glass_list")
    done = AuditEvent.objects.reviewable_by(request.user, glass).order_by("at", "id")
    page = Paginator(done, REVIEW_EVENTS).get_page(request.GET.get("page"))
    events = words.lines(page.object_list)
    anchored = AuditEvent.objects.anchors(request.user, glass)
    record(request.user, Action.VIEW, [Item("break_glass", str(glass.pk), glass.case_id)])
    return render(
        request,
        "audit/review.html",
        {"glass": glass, "form": form, "events": events, "anchored": anchored, "page": page, "pages": page_range(page)},
        status=400 if form.errors else 200,
    )


@login_required
def access_log(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    if not access.can_see_access_log:
        return render(
            request, "error.html", {"message": _("Only the lead agency sees who has looked at a case.")}, status=403
        )
    events = AuditEvent.objects.visible_to(request.user).filter(case_id=case.pk)
    form = AccessLogFilterForm(request.GET, events=events)
    narrowed = form.narrow(events).select_related("agency").order_by("-at", "-id")
    page = Paginator(narrowed, PAGE_EVENTS).get_page(request.GET.get("page"))
    record(request.user, Action.VIEW, [Item("access_log", str(case.pk), case.pk)], via=access.via)
    return render(
        request,
        "audit/access_log.html",
        {
            "case": case,
            "page": page,
            "pages": page_range(page),
            "lines": words.lines(page.object_list),
            "form": form,
            "extra": _kept(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
def memberships(request: AuthedRequest) -> HttpResponse:
    """Memberships waiting for this privacy officer's approval."""
    waiting = awaiting_approval(request.user)
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    return render(request, "audit/memberships.html", {"page": page, "pages": page_range(page)})


@login_required
@require_POST
def decide_membership(request: AuthedRequest, membership_id: int, decision: str) -> HttpResponse:
    membership = get_object_or_404(awaiting_approval(request.user), pk=membership_id)
    if decision not in ("approve", "refuse"):
        raise Http404
    seen = parse_datetime(request.POST.get("seen", "")) if request.POST.get("seen") else None
    try:
        if decision == "approve":
            do_approve_membership(membership, actor=request.user, seen=seen)
            messages.success(request, _("Membership approved: it is in force now."))
        else:
            do_refuse_membership(membership, actor=request.user, seen=seen)
            messages.success(request, _("Membership refused: it has been ended."))
    except ActionError as error:
        return action_error_page(request, error)
    return redirect("audit:memberships")
