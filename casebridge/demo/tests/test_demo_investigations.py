"""The demo's investigations and crisis care: a network of places, players and phones; operations in every state;
the closed ones found some of the demo's girls (their cases carry a reference), adult women who
were not victims and a girl of a borderline age; the network view draws on it."""

from __future__ import annotations

import datetime
import io
import time

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.audit.log import verify
from casebridge.investigations.models import CaseLink, Identifier, Operation, OperationState, Screening, Subject


def test_the_demo_has_investigations_in_every_state(settings, db):
    settings.DEMO = True
    call_command("load_demo", "--cases", "40", "--seed", "7", stdout=io.StringIO(), stderr=io.StringIO())
    assert set(Operation.objects.values_list("state", flat=True)) == set(OperationState.values)
    outcomes = set(Screening.objects.values_list("outcome", flat=True))
    assert outcomes == {"case", "not_a_victim", "pending"}
    assert Screening.objects.filter(minor="borderline", outcome="case").exists()
    assert CaseLink.objects.count() == Screening.objects.filter(outcome="case").count() >= 3
    # The same phone written two ways is one identifier, used by two subjects.
    assert Identifier.objects.filter(kind="phone").count() == 3
    assert verify().ok
    client = Client()
    client.force_login(User.objects.get(username="ngoinv.piseth"))
    vibol = Subject.objects.get(
        person__in=[s.person_id for s in Subject.objects.all() if s.person.given_name_latin == "Vibol"]
    )
    started = time.perf_counter()
    page = client.get(reverse("investigations:network") + f"?node=subject:{vibol.pk}")
    elapsed = time.perf_counter() - started
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert "Operation Lotus" in page.content.decode()
    print(f"network view of a demo subject, depth 2: {elapsed * 1000:.0f} ms")
    # Crisis care right now: three girls, a roster gap and a language gap, and one placed.
    from casebridge.crisis.board import rows
    from casebridge.crisis.models import Episode

    sophea = User.objects.get(username="aftercare.sophea")
    board = rows(sophea)
    assert len(board) == 3 and all(row.on_shift for row in board)
    reasons = {gap.reason for row in board for gap in row.gaps}
    assert reasons == {"no_staff", "no_language"}
    # (the history behind the stories, for the indicators, ended months ago)
    recent = Episode.objects.filter(starts_at__gte=timezone.now() - datetime.timedelta(days=30))
    assert recent.filter(outcome="placed").count() == 1
    assert recent.filter(incidents__kind="suspect_contact").count() == 1
