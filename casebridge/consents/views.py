from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casebridge.api.idempotency import FormSubmission
from casebridge.cases.actions import read_case
from casebridge.cases.sections import Section
from casebridge.cases.views import get_case_for_user
from casebridge.consents.actions import do_record_consent
from casebridge.consents.forms import ConsentForm
from casebridge.lib.errors import ActionError
from casebridge.lib.views import AuthedRequest, action_error_page, already_sent, apply_errors


@login_required
def consent_new(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    if not access.can_record_consent:
        message = _("Emergency access is for reading: it does not allow writing anything.")
        if not access.can(Section.IDENTITY):
            message = _("Recording consent needs access to the survivor's identity.")
        elif access.can_write_in(Section.IDENTITY):
            message = _("Only the lead agency's case staff record consent.")
        return render(request, "error.html", {"message": message}, status=403)
    partner = None if access.can_manage else sorted(access.through_agencies)
    form = ConsentForm(request.POST or None, partner_agencies=partner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        once = FormSubmission(request, data["submission"], "consent")
        if not once.claim():
            return already_sent(request, reverse("cases:detail", args=[case.pk]))
        try:
            consent = do_record_consent(
                case,
                actor=request.user,
                purpose=data["purpose"],
                decision=data["decision"],
                given_by=data["given_by"],
                decided_on=data["decided_on"],
                language=data["language"],
                shared_with=data["shared_with"],
                child_assent=data["child_assent"],
                note=data["note"],
            )
        except ValidationError as error:
            once.release()
            apply_errors(form, error)
        except ActionError as error:
            once.release()
            return action_error_page(request, error)
        else:
            once.done(consent)
            messages.success(request, _("Consent recorded."))
            return redirect("cases:detail", case_id=case.pk)
    read_case(request.user, case, access)
    return render(
        request,
        "consents/consent_new.html",
        {"case": case, "form": form, "partner": partner is not None},
        status=400 if form.errors else 200,
    )
