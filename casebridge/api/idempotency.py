"""``Idempotency-Key`` for API creates: a retry returns the first result and creates nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.api.models import IdempotencyKey
from casebridge.lib.crypto import keyed_digest
from casebridge.lib.errors import ActionError, Conflict

_KEY = re.compile(r"[\x21-\x7e]{1,200}")


class BadIdempotencyKey(ActionError):
    code = "bad_idempotency_key"


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    # Keyed: the body may hold a survivor's identity, and a plain hash would confirm a guess.
    return keyed_digest("idempotency", f"{request.method} {request.path}\n{body}".encode())


def idempotent_create(
    request: Request,
    *,
    resource_type: str,
    create: Callable[[], models.Model],
    refetch: Callable[[str], models.Model],
    respond: Callable[[models.Model, int], Response],
) -> Response:
    """Create once per key: the key is claimed before anything is written, so a second request
    with the same key (a retry, or the same request sent twice at once) waits for the first to
    finish and then answers with its result, or with 409 if the first is still at work or asked
    something else. If the create fails, the claim rolls back with it."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return respond(create(), 201)
    if not _KEY.fullmatch(key):
        raise BadIdempotencyKey(_("The Idempotency-Key header must be 1 to 200 visible ASCII characters."))
    fingerprint = _fingerprint(request)
    user = request.user
    assert user.is_authenticated
    previous = IdempotencyKey.objects.filter(user_id=user.pk, key=key).first()
    claim = None
    if previous is None:
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    user_id=user.pk,
                    key=key,
                    method=request.method or "",
                    path=request.path[:300],
                    fingerprint=fingerprint,
                    status_code=201,
                    resource_type=resource_type,
                    resource_id="",
                )
        except IntegrityError:
            # Another request with this key committed while this one waited on the claim.
            previous = IdempotencyKey.objects.filter(user_id=user.pk, key=key).first()
    if claim is None:
        if previous is None or not previous.resource_id:
            raise Conflict(_("A request with this Idempotency-Key is in progress; retry it in a moment."))
        if previous.fingerprint != fingerprint or previous.resource_type != resource_type:
            raise Conflict(_("This Idempotency-Key was already used for a different request."))
        response = respond(refetch(previous.resource_id), previous.status_code)
        response["Idempotent-Replayed"] = "true"
        return response
    obj = create()
    claim.resource_id = str(obj.pk)
    claim.save(update_fields=["resource_id"])
    return respond(obj, 201)


def create_scoped(
    request: Request,
    *,
    resource_type: str,
    create: Callable[[], models.Model],
    rows: Any,
    seen: Callable[[Any], object],
    serializer: type[Any],
) -> Response:
    """:func:`idempotent_create` as most creates use it: a replay finds the object again in
    ``rows`` (the caller's scoped queryset; 404 if it is no longer there), ``seen`` audits that
    read, and the answer is ``serializer``'s."""

    def refetch(pk: str) -> models.Model:
        found = rows.filter(pk=pk).first()
        if found is None:
            raise Http404
        seen(found)
        return found

    return idempotent_create(
        request,
        resource_type=resource_type,
        create=create,
        refetch=refetch,
        respond=lambda obj, status: Response(serializer(obj).data, status=status),
    )


def schema_header() -> Any:
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(
        "Idempotency-Key",
        {"type": "string", "pattern": "^[\\x21-\\x7e]+$", "minLength": 1, "maxLength": 200},
        OpenApiParameter.HEADER,
        required=False,
        description="Send the same key when retrying: the first result is returned and nothing new is created. "
        "1 to 200 visible ASCII characters.",
    )


class FormSubmission:
    """A one-time token carried by a form, so a second submit (double click, back and resend)
    creates nothing. Claimed before the write; released if the submission turns out invalid."""

    def __init__(self, request: Any, token: object, resource_type: str) -> None:
        self.request = request
        self.key = f"form:{token}"
        self.resource_type = resource_type
        self.record: IdempotencyKey | None = None
        self.previous: IdempotencyKey | None = None

    def claim(self) -> bool:
        user = self.request.user
        self.previous = IdempotencyKey.objects.filter(user_id=user.pk, key=self.key).first()
        if self.previous is not None:
            return False
        try:
            with transaction.atomic():
                self.record = IdempotencyKey.objects.create(
                    user_id=user.pk,
                    key=self.key,
                    method="POST",
                    path=self.request.path[:300],
                    fingerprint="form",
                    status_code=201,
                    resource_type=self.resource_type,
                    resource_id="",
                )
        except IntegrityError:
            self.previous = IdempotencyKey.objects.filter(user_id=user.pk, key=self.key).first()
            return False
        return True

    def done(self, obj: models.Model) -> None:
        assert self.record is not None
        self.record.resource_id = str(obj.pk)
        self.record.save(update_fields=["resource_id"])

    def release(self) -> None:
        if self.record is not None:
            self.record.delete()
            self.record = None


def submit_form(
    request: Any,
    form: Any,
    kind: str,
    make: Callable[[dict[str, Any]], models.Model],
    done: str | Callable[[Any], str],
    back: str,
    after: Callable[[Any], str] | None = None,
) -> Any:
    """The common path of a valid create form with a submission token: claim the token, call
    ``make`` with the form's data, say ``done`` (or ``done(made)``) and redirect to ``back`` (or ``after(made)``).
    None, with the errors put on the form, when the action refuses the input."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from casebridge.lib.views import action_error_page, already_sent, apply_errors

    data = dict(form.cleaned_data)
    once = FormSubmission(request, data.pop("submission"), kind)
    if not once.claim():
        return already_sent(request, back)
    try:
        made = make(data)
    except ValidationError as error:
        once.release()
        apply_errors(form, error)
        return None
    except ActionError as error:
        once.release()
        return action_error_page(request, error)
    once.done(made)
    messages.success(request, done(made) if callable(done) else done)
    return redirect(after(made) if after else back)
