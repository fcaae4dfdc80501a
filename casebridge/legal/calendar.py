"""A person's hearings as a calendar feed (iCalendar, RFC 5545) at a secret address that a
phone's calendar subscribes to: ``/api/v1/legal/calendar/{token}.ics``. Only the digest of the
token is kept; it is shown once, and a new one, or revoking, ends the old. The feed carries the
hearings of the lawyer's proceedings with the proceeding's pseudonymous reference, the
survivors' case numbers, the kind of hearing and the place: never a survivor's or a defendant's name, nor
the notes. Each read is audited as the person."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.legal.access import practises
from casebridge.legal.actions import audited
from casebridge.legal.models import CalendarFeed, Hearing, HearingKind

if TYPE_CHECKING:
    from casebridge.accounts.models import User

PAST = datetime.timedelta(days=30)  # hearings this far back stay in the feed
LENGTH = datetime.timedelta(hours=2)  # a hearing's assumed length, for calendars that need an end


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_feed(user: User) -> str:
    """A new secret address for the user (the old one stops working); returns its token. Made
    and revoked one at a time per user (the user's row locked), each audited."""
    revoke_feed(user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, digest=_digest(token))
    record(user, Action.CREATE, [Item("legal_calendar_feed", str(feed.pk))])
    return token


@transaction.atomic
def revoke_feed(user: User) -> int:
    from casebridge.accounts.models import User

    User.objects.select_for_update().filter(pk=user.pk).first()
    active = list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))
    CalendarFeed.objects.filter(pk__in=[f.pk for f in active]).update(revoked_at=timezone.now())
    if active:
        record(user, Action.UPDATE, [Item("legal_calendar_feed", str(f.pk)) for f in active], reason="revoked")
    return len(active)


def access_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A lawyer's last legal membership ended, or their account closed: their address ends too
    (it would not come back with a later membership)."""
    user = getattr(instance, "user", instance)
    if CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).exists() and not practises(user):
        CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def has_feed(user: User) -> bool:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists()


def feed_user(token: str) -> User | None:
    """The active lawyer whose address this is, or None (unknown, revoked, no longer a lawyer)."""
    feed = CalendarFeed.objects.filter(digest=_digest(token), revoked_at__isnull=True).select_related("user").first()
    if feed is None or not practises(feed.user):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    return feed.user


def feed(user: User) -> bytes:
    """The hearings of the last 30 days and to come of the user's proceedings, as iCalendar: each
    by the proceeding's reference, its kind, the place, and the case numbers of the survivors
    attending. The read audited."""
    from icalendar import Calendar, Event

    since = timezone.now() - PAST
    rows = Hearing.objects.visible_to(user).filter(at__gte=since).select_related("proceeding")
    hearings = list(rows.prefetch_related("attendances__case")[:500])
    audited(user, Action.LIST, hearings, "hearing")
    calendar = Calendar()
    calendar.add("prodid", "-//casebridge//hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Hearings"))
    now = timezone.now()
    for hearing in hearings:
        event = Event()
        event.add("uid", f"{hearing.pk}@casebridge")
        event.add("dtstamp", now)
        event.add("dtstart", hearing.at)
        event.add("dtend", hearing.at + LENGTH)
        event.add("summary", f"{HearingKind(hearing.kind).label} · {hearing.proceeding.reference}")
        event.add("location", ", ".join(p for p in (hearing.court, hearing.room) if p))
        numbers = sorted(a.case.number for a in hearing.attendances.all() if a.cancelled_at is None)
        if numbers:
            text = _("Survivors attending (case numbers): %(numbers)s")
            event.add("description", text % {"numbers": ", ".join(numbers)})
        if hearing.cancelled_at is not None:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
