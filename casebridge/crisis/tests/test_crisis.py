"""Crisis care: the window, the roster and its gaps, computed at set moments (47 and 49 hours),
the bad input refused with nothing written, the board at a constant cost, and 404 for anyone who
does not reach the case's crisis care."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casebridge.cases.models import TimelineEvent
from casebridge.crisis import actions
from casebridge.crisis.board import rows
from casebridge.crisis.coverage import NO_LANGUAGE, NO_STAFF, gaps, uncovered
from casebridge.crisis.models import Episode, Shift
from casebridge.lib.errors import Conflict, NotAllowed

H = datetime.timedelta(hours=1)


def _episode(world, start, **changes):  # type: ignore[no-untyped-def]
    data = {"place_kind": "police_station", "place": "AHTJP station, Phnom Penh", "starts_at": start}
    data.update(changes)
    return actions.do_open_episode(world.case, actor=world.social_worker, **data)


def _speaks(user, *languages):  # type: ignore[no-untyped-def]
    user.spoken_languages = list(languages)
    user.save()
    return user


def test_uncovered_intervals():
    t = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    window = (t, t + 48 * H)
    assert uncovered(window, []) == [window]
    assert uncovered(window, [(t - H, t + 12 * H), (t + 10 * H, t + 20 * H), (t + 30 * H, t + 60 * H)]) == [
        (t + 20 * H, t + 30 * H)
    ]
    assert uncovered(window, [(t, t + 48 * H)]) == []


def test_a_roster_that_stops_at_47_hours_leaves_the_last_hour_uncovered(world):
    start = timezone.now().replace(microsecond=0) - 50 * H
    episode = _episode(world, start)
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=start,
        ends_at=start + 24 * H,
    )
    gov = world.shelter_caseworker  # the shelter is on the team with crisis care
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=gov,
        role="social_worker",
        starts_at=start + 24 * H,
        ends_at=start + 47 * H,
    )
    found = gaps(episode, Shift.objects.filter(episode=episode))
    assert [(g.start, g.end, g.reason) for g in found] == [(start + 47 * H, start + 48 * H, NO_STAFF)]
    # At 47 hours the gap is the next one; at 49 it is over and the window with it.
    row_47 = rows(world.social_worker, now=start + 47 * H)[0]
    assert row_47.gap is not None and row_47.gap.start == start + 47 * H and row_47.share == 98
    row_49 = rows(world.social_worker, now=start + 49 * H)[0]
    assert row_49.gap is None and row_49.share == 100 and row_49.on_shift == []


def test_nobody_speaking_her_language_is_a_gap_of_its_own(world):
    start = timezone.now().replace(microsecond=0) - 2 * H
    episode = _episode(world, start, language="vi", interpreter=True)
    assert episode.language == "vie"
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=start,
        ends_at=start + 48 * H,
    )
    interpreter = _speaks(world.shelter_caseworker, "vie", "khm")
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=interpreter,
        role="interpreter",
        starts_at=start + 8 * H,
        ends_at=start + 20 * H,
    )
    found = [(g.start, g.end, g.reason) for g in gaps(episode, Shift.objects.filter(episode=episode))]
    assert found == [(start, start + 8 * H, NO_LANGUAGE), (start + 20 * H, start + 48 * H, NO_LANGUAGE)]
    response = world_client(world).get(f"/api/v1/crisis/episodes/{episode.pk}/coverage/")
    body = response.json()
    assert body["window_start"] == start.isoformat() and len(body["gaps"]) == 2
    assert body["gaps"][0] == {"start": start.isoformat(), "end": (start + 8 * H).isoformat(), "reason": "no_language"}


def world_client(world):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(world.social_worker)
    return client


def test_bad_rosters_are_refused_and_nothing_is_written(world):
    start = timezone.now().replace(microsecond=0) - 2 * H
    episode = _episode(world, start, language="vi", interpreter=True)
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=start,
        ends_at=start + 12 * H,
    )
    cases = [
        (
            {
                "staff": world.social_worker,
                "role": "social_worker",
                "starts_at": start + 6 * H,
                "ends_at": start + 14 * H,
            },
            "already on a shift",
        ),
        (
            {
                "staff": world.shelter_caseworker,
                "role": "social_worker",
                "starts_at": start + 6 * H,
                "ends_at": start + 5 * H,
            },
            "ends after it starts",
        ),
        (
            {
                "staff": world.shelter_caseworker,
                "role": "social_worker",
                "starts_at": start - 5 * H,
                "ends_at": start + H,
            },
            "inside the crisis care",
        ),
        (
            {
                "staff": _speaks(world.shelter_caseworker, "khm"),
                "role": "interpreter",
                "starts_at": start,
                "ends_at": start + H,
            },
            "does not speak her language",
        ),
        (
            {"staff": world.outsider, "role": "social_worker", "starts_at": start, "ends_at": start + H},
            "cannot put this person on her roster",
        ),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError, match=message):
            actions.do_add_shift(episode, actor=world.social_worker, **data)
    assert Shift.objects.count() == 1


def test_closing_needs_a_placement_or_a_reason(world):
    world.agencies["HAC"].services = ["assessment"]
    world.agencies["HAC"].save()
    start = timezone.now().replace(microsecond=0) - 50 * H
    episode = _episode(world, start)
    with pytest.raises(ValidationError, match="partner she is placed with"):
        actions.do_close_episode(episode, actor=world.social_worker, outcome="placed")
    with pytest.raises(ValidationError, match="Give the reason"):
        actions.do_close_episode(episode, actor=world.social_worker, outcome="returned_home")
    assert Episode.objects.get(pk=episode.pk).ended_at is None
    actions.do_close_episode(
        episode, actor=world.social_worker, outcome="placed", agency=world.agencies["HAC"], placement="Room 2"
    )
    placed = TimelineEvent.objects.get(case=world.case, kind="placed")
    assert placed.section == "whereabouts" and placed.body == "Hope Assessment Centre · Room 2"
    with pytest.raises(Conflict):
        actions.do_add_shift(
            episode,
            actor=world.social_worker,
            staff=world.social_worker,
            role="social_worker",
            starts_at=start,
            ends_at=start + H,
        )


def test_closing_before_the_window_is_over_needs_a_reason(world):
    episode = _episode(world, timezone.now() - 5 * H)
    with pytest.raises(ValidationError, match="not over"):
        actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=world.agencies["SHS"])


def test_one_open_crisis_care_per_case(world):
    _episode(world, timezone.now() - H)
    with pytest.raises(Conflict):
        _episode(world, timezone.now())


@pytest.mark.parametrize("persona", ["outsider", "nurse", "police", "manager", "admin", "lawyer", "gov_social_worker"])
def test_those_who_do_not_reach_her_crisis_care_get_404(world, login, persona):
    episode = _episode(world, timezone.now() - H)
    client = login(world.users[persona])
    for url in (
        reverse("crisis:episode", args=[episode.pk]),
        f"/api/v1/crisis/episodes/{episode.pk}/",
        f"/api/v1/crisis/episodes/{episode.pk}/shifts/",
        f"/api/v1/crisis/episodes/{episode.pk}/coverage/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("crisis:close", args=[episode.pk]), {}).status_code == 404
    assert str(episode.pk) not in client.get("/api/v1/crisis/board/").content.decode()
    board = client.get(reverse("crisis:board"))
    assert board.status_code == 404 or world.case.number not in board.content.decode()


def test_writes_need_writable_crisis_care(world):
    episode = _episode(world, timezone.now() - H)
    with pytest.raises(NotAllowed):
        actions.do_add_shift(
            episode,
            actor=world.nurse,
            staff=world.nurse,
            role="social_worker",
            starts_at=timezone.now(),
            ends_at=timezone.now() + H,
        )


def test_the_board_costs_the_same_for_one_episode_or_many(world, login):
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    client = login(world.social_worker)
    first = _episode(world, timezone.now() - H)
    actions.do_add_shift(
        first,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=timezone.now() - H,
        ends_at=timezone.now() + H,
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("crisis:board")).status_code == 200
        return len(captured)

    def another(n: int) -> None:
        case = do_open_case(
            actor=world.social_worker,
            agency=world.agencies["JPC"],
            identity=clean_identity({"given_name_latin": f"Girl {chr(65 + n)}"}),
            province="KH-12",
            opened_on=timezone.localdate(),
        )
        actions.do_open_episode(
            case, actor=world.social_worker, place_kind="police_station", place="Station", starts_at=timezone.now() - H
        )

    # Two episodes, then five: (one audit event is written in one statement, more in two on
    # PostgreSQL, however many).
    another(4)
    two = queries()
    for n in range(3):
        another(n)
    assert queries() == two
    body = client.get(reverse("crisis:board")).content.decode()
    assert "Girl C" in body and "Girl E" in body and world.case.number in body


def test_the_pages_open_staff_and_close_an_episode(world, login):
    client = login(world.social_worker)
    url = reverse("crisis:new")
    page = client.get(url).content.decode()
    token = page[page.index('name="submission" value="') + 25 :][:36]
    start = (timezone.localtime() - 3 * H).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "submission": token,
            "case_number": world.case.number,
            "place_kind": "police_station",
            "place": "AHTJP station",
            "starts_at": start,
            "window_hours": "48",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode = Episode.objects.get()
    shift_url = reverse("crisis:shift_add", args=[episode.pk])
    ends = (timezone.localtime() + 5 * H).strftime("%Y-%m-%dT%H:%M")
    client.post(
        shift_url,
        {
            "shift-staff": world.social_worker.pk,
            "shift-role": "social_worker",
            "shift-starts_at": start,
            "shift-ends_at": ends,
        },
    )
    assert Shift.objects.filter(episode=episode).count() == 1
    bad = client.post(
        shift_url,
        {
            "shift-staff": world.social_worker.pk,
            "shift-role": "social_worker",
            "shift-starts_at": start,
            "shift-ends_at": ends,
        },
    )
    assert bad.status_code == 400 and "already on a shift" in bad.content.decode()
    page = client.get(reverse("crisis:episode", args=[episode.pk])).content.decode()
    assert "No social worker" in page  # after the shift, the rest of the 48 hours
    board = client.get(reverse("crisis:board"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in board and world.case.number in board


def test_a_safeguard_incident_alerts_the_supervisor_and_the_privacy_officer_at_once(world, login):
    from casebridge.notifications.models import Notification

    episode = _episode(world, timezone.now() - 3 * H)
    client = login(world.shelter_caseworker)  # the shelter, on the team with crisis care
    url = f"/api/v1/crisis/episodes/{episode.pk}/incidents/"
    bad = client.post(
        url,
        {"kind": "held_in_cell", "occurred_at": timezone.now().isoformat(), "note": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and not Notification.objects.filter(kind="safeguard_incident").exists()
    body = {
        "kind": "suspect_contact",
        "occurred_at": (timezone.now() - H).isoformat(),
        "note": "The owner was brought into the same room; she was moved at once.",
    }
    assert client.post(url, body, content_type="application/json").status_code == 201
    alerts = Notification.objects.filter(kind="safeguard_incident")
    assert {n.recipient for n in alerts} == {world.social_worker, world.privacy_officer}
    assert all(n.email_state == "pending" for n in alerts)  # e-mailed whatever their choices
    message = alerts.get(recipient=world.privacy_officer).message()
    assert world.case.number in message and "suspect" in message and "Sok" not in message
    assert TimelineEvent.objects.filter(case=world.case, kind="safeguard_incident", section="crisis_care").exists()
    board = login(world.social_worker).get(reverse("crisis:board")).content.decode()
    assert "1 safeguard incident" in board
    assert login(world.outsider).get(url).status_code == 404


def test_my_shifts_and_my_gaps_are_due_on_the_home_page(world, login):
    start = timezone.now().replace(microsecond=0) - 2 * H
    episode = _episode(world, start)  # supervised by the social worker who opened it
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.shelter_caseworker,
        role="social_worker",
        starts_at=start,
        ends_at=start + 10 * H,
    )
    worker_home = login(world.shelter_caseworker).get(reverse("cases:home")).content.decode()
    assert "Your shift from" in worker_home and reverse("crisis:episode", args=[episode.pk]) in worker_home
    supervisor_home = login(world.social_worker).get(reverse("cases:home")).content.decode()
    assert "No social worker from" in supervisor_home  # hours 10 to 48 are nobody's
    assert "Your shift from" not in supervisor_home
    outsider_home = login(world.outsider).get(reverse("cases:home")).content.decode()
    assert reverse("crisis:episode", args=[episode.pk]) not in outsider_home


def test_every_crisis_route_answers_404_to_the_outsider(world, login):
    episode = _episode(world, timezone.now() - H)
    shift = actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=timezone.now() + H,
        ends_at=timezone.now() + 2 * H,
    )
    client = login(world.outsider)
    for url in (
        reverse("crisis:shift_add", args=[episode.pk]),
        reverse("crisis:shift_cancel", args=[episode.pk, shift.pk]),
        reverse("crisis:close", args=[episode.pk]),
        reverse("crisis:incident", args=[episode.pk]),
        f"/api/v1/crisis/episodes/{episode.pk}/close/",
        f"/api/v1/crisis/episodes/{episode.pk}/incidents/",
        f"/api/v1/crisis/episodes/{episode.pk}/shifts/",
    ):
        assert client.post(url, {}).status_code == 404, url
    assert Shift.objects.get(pk=shift.pk).cancelled_at is None
    assert Episode.objects.get(pk=episode.pk).ended_at is None
