"""What the independent review of crisis care found, kept as tests: where she is held is her
whereabouts; a partner learns no other partner (agency, supervisor, staff, the roster's list);
emergency access puts nobody on her roster; a worked shift stays on record; a placement only
when she is placed; a crisis care prepared for nothing can close; one person, one place."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casebridge.cases import sections as sec
from casebridge.cases.actions import do_break_glass
from casebridge.cases.models import ReferralGrant
from casebridge.cases.sections import Section
from casebridge.crisis import actions
from casebridge.crisis.models import Episode
from casebridge.lib.errors import Conflict, NotAllowed

H = datetime.timedelta(hours=1)
PLACE = "Hope Assessment Centre, room 4, Street 371"
REASON = "The child called the hotline from an unknown place tonight; I need to know who she is."


def _episode(world, actor=None, start=None):  # type: ignore[no-untyped-def]
    return actions.do_open_episode(
        world.case,
        actor=actor or world.social_worker,
        place_kind="assessment_centre",
        place=PLACE,
        starts_at=start or timezone.now() - 2 * H,
    )


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _refer_hac(world):  # type: ignore[no-untyped-def]
    ReferralGrant.objects.create(
        case=world.case,
        agency=world.agencies["HAC"],
        sections=sec.to_mask([Section.IDENTITY, Section.CRISIS_CARE]),
        granted_by=world.social_worker,
        starts_at=timezone.now() - H,
    )


def _fresh(user):  # type: ignore[no-untyped-def]
    from casebridge.accounts.models import User

    return User.objects.get(pk=user.pk)


def test_where_she_is_held_is_her_whereabouts(world):
    episode = _episode(world)
    gov = world.gov_social_worker
    do_break_glass(world.case.number, actor=gov, reason=REASON)
    for reader in (_fresh(gov), world.shelter_caseworker):  # emergency access; the shelter has no whereabouts
        client = _client(reader)
        for url in (
            f"/api/v1/crisis/episodes/{episode.pk}/",
            "/api/v1/crisis/episodes/",
            reverse("crisis:episode", args=[episode.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200 and "Street 371" not in response.content.decode(), url
    assert "Street 371" in _client(world.social_worker).get(f"/api/v1/crisis/episodes/{episode.pk}/").content.decode()


def test_a_partner_learns_no_other_partner(world):
    _refer_hac(world)
    hac = world.assessment_worker
    episode = _episode(world)
    actions.do_add_shift(
        episode, actor=hac, staff=hac, role="social_worker", starts_at=timezone.now() - H, ends_at=timezone.now() + H
    )
    shelter = _client(world.shelter_caseworker)
    for url in (
        f"/api/v1/crisis/episodes/{episode.pk}/shifts/",
        "/api/v1/crisis/board/",
        reverse("crisis:episode", args=[episode.pk]),
        reverse("crisis:board"),
    ):
        body = shelter.get(url).content.decode()
        assert "assessment_worker" not in body and "HAC" not in body, url
    # The lead agency's case worker sees who is with her.
    assert "assessment_worker" in _client(world.social_worker).get("/api/v1/crisis/board/").content.decode()


def test_emergency_access_puts_nobody_on_her_roster(world):
    episode = _episode(world)
    gov = world.gov_social_worker
    do_break_glass(world.case.number, actor=gov, reason=REASON)
    with pytest.raises(ValidationError, match="cannot put this person"):
        actions.do_add_shift(
            episode,
            actor=world.social_worker,
            staff=_fresh(gov),
            role="social_worker",
            starts_at=timezone.now(),
            ends_at=timezone.now() + H,
        )
    page = _client(world.social_worker).get(reverse("crisis:episode", args=[episode.pk])).content.decode()
    roster = page[page.index('name="shift-staff"') :]
    roster = roster[: roster.index("</select>")]
    assert 'value="' in roster and f'value="{gov.pk}"' not in roster


def test_a_worked_shift_stays_and_only_its_setter_or_the_lead_cancels(world):
    episode = _episode(world)
    worked = actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=timezone.now() - H,
        ends_at=timezone.now() + H,
    )
    with pytest.raises(Conflict, match="has started"):
        actions.do_cancel_shift(worked, actor=world.social_worker)
    later = actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.shelter_caseworker,
        role="social_worker",
        starts_at=timezone.now() + 2 * H,
        ends_at=timezone.now() + 4 * H,
    )
    with pytest.raises(NotAllowed):
        actions.do_cancel_shift(later, actor=world.shelter_caseworker)
    assert actions.do_cancel_shift(later, actor=world.social_worker).cancelled_at is not None


def test_a_place_only_when_she_is_placed(world):
    episode = _episode(world, start=timezone.now() - 50 * H)
    with pytest.raises(ValidationError, match="only when she is placed"):
        actions.do_close_episode(
            episode, actor=world.social_worker, outcome="returned_home", note="Mother came", placement="Street 5"
        )


def test_a_crisis_care_prepared_for_nobody_closes_before_it_starts(world):
    episode = _episode(world, start=timezone.now() + 10 * H)
    with pytest.raises(ValidationError):
        actions.do_close_episode(episode, actor=world.social_worker, outcome="other", note="Called off")
    actions.do_close_episode(
        episode, actor=world.social_worker, outcome="not_needed", note="The operation was called off"
    )
    assert Episode.objects.get(pk=episode.pk).outcome == "not_needed"


def test_one_person_is_in_one_place_at_a_time(world):
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    first = _episode(world)
    other = do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        province="KH-12",
        identity=clean_identity({"given_name_latin": "Dany"}),
        opened_on=timezone.localdate(),
    )
    second = actions.do_open_episode(
        other, actor=world.social_worker, place_kind="hospital", place="Calmette", starts_at=timezone.now() - 2 * H
    )
    now = timezone.now()
    actions.do_add_shift(
        first,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=now - H,
        ends_at=now + H,
    )
    with pytest.raises(ValidationError, match="already on a shift"):
        actions.do_add_shift(
            second,
            actor=world.social_worker,
            staff=world.social_worker,
            role="social_worker",
            starts_at=now,
            ends_at=now + 2 * H,
        )


def test_a_far_past_moment_is_refused_not_a_server_error(world, login):
    client = login(world.social_worker)
    body = {
        "case": str(world.case.pk),
        "place_kind": "police_station",
        "place": "Station",
        "starts_at": "0001-01-01T00:00:00",
    }
    assert client.post("/api/v1/crisis/episodes/", body, content_type="application/json").status_code == 400


def _placing(world):  # type: ignore[no-untyped-def]
    for code in ("HAC", "SHS"):
        world.agencies[code].services = ["assessment"]
        world.agencies[code].save()


def test_she_is_placed_only_with_a_partner_that_takes_survivors_in(world, login):
    """The police (with her consent to share for the investigation) are no placement: placing her
    there would hand them her whereabouts."""
    _placing(world)
    episode = _episode(world, start=timezone.now() - 50 * H)
    url = f"/api/v1/crisis/episodes/{episode.pk}/close/"
    client = login(world.social_worker)
    refused = client.post(url, {"outcome": "placed", "agency": "AHTJP"}, content_type="application/json")
    assert refused.status_code == 400 and "takes survivors in" in refused.content.decode()
    assert not ReferralGrant.objects.filter(agency=world.agencies["AHTJP"]).exists()
    assert Episode.objects.get(pk=episode.pk).ended_at is None


def test_a_partner_placing_her_opens_her_case_to_nobody(world):
    """Who reaches her case is the lead agency's decision: a partner's placement gives no grant."""
    from casebridge.cases.models import TeamMember

    _placing(world)
    member = TeamMember.objects.get(case=world.case, agency=world.agencies["SHS"])
    member.sections |= sec.to_mask([Section.WHEREABOUTS])
    member.save()
    episode = _episode(world, start=timezone.now() - 50 * H)
    actions.do_close_episode(
        episode, actor=world.shelter_caseworker, outcome="placed", agency=world.agencies["SHS"], note="Here"
    )
    assert not ReferralGrant.objects.filter(case=world.case, granted_by=world.shelter_caseworker).exists()


def test_the_placed_partner_is_named_to_the_lead_and_that_partner_only(world, login):
    from casebridge.cases.models import TeamMember, TimelineEvent

    _placing(world)
    member = TeamMember.objects.get(case=world.case, agency=world.agencies["SHS"])
    member.sections |= sec.to_mask([Section.WHEREABOUTS])
    member.save()
    episode = _episode(world, start=timezone.now() - 50 * H)
    actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=world.agencies["HAC"])
    assert not TimelineEvent.objects.visible_to(world.shelter_caseworker).filter(kind="placed").exists()
    assert TimelineEvent.objects.visible_to(world.social_worker).filter(kind="placed").exists()
    page = login(world.shelter_caseworker).get(reverse("crisis:episode", args=[episode.pk])).content.decode()
    assert "Placed with" not in page


def test_the_suggestion_is_for_those_who_place_her(world, login):
    _placing(world)
    episode = _episode(world, start=timezone.now() - 50 * H)
    url = f"/api/v1/crisis/episodes/{episode.pk}/placement-suggestion/"
    assert login(world.shelter_caseworker).get(url).status_code == 404  # no whereabouts
    assert login(world.social_worker).get(url).status_code == 200
    actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=world.agencies["HAC"])
    assert login(world.social_worker).get(url).status_code == 404  # she has gone: no hint of where


def test_the_guardian_answer_is_audited_as_the_read_it_is(world, login):
    from casebridge.audit.models import AuditEvent

    episode = _episode(world)
    answer = login(world.social_worker).post(
        f"/api/v1/crisis/episodes/{episode.pk}/guardian/",
        {"decision": "deferred", "reason": "Mother not found yet"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["place"] == PLACE
    assert AuditEvent.objects.filter(
        action="view", object_type="crisis_episode", sections__contains="whereabouts"
    ).exists()


def _placed_with_shs(world):  # type: ignore[no-untyped-def]
    _placing(world)
    episode = _episode(world, start=timezone.now() - 50 * H)
    actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=world.agencies["SHS"])
    return episode, reverse("crisis:handover", args=[episode.pk])


def test_no_handover_for_a_centre_taken_off_the_platform(world):
    url = _placed_with_shs(world)[1]
    assert _client(world.social_worker).get(url).status_code == 200
    world.agencies["SHS"].is_active = False
    world.agencies["SHS"].save()
    assert _client(world.social_worker).get(url).status_code == 409


def test_the_handover_is_made_by_the_lead_or_the_centre_for_where_she_is_now(world):
    from casebridge.audit.models import AuditEvent
    from casebridge.cases.models import TeamMember
    from casebridge.restoration.models import Placement

    episode, url = _placed_with_shs(world)
    member = TeamMember.objects.get(case=world.case, agency=world.agencies["SHS"])
    member.sections |= sec.to_mask([Section.WHEREABOUTS])
    member.save()
    assert _client(world.shelter_caseworker).get(url).status_code == 200  # the centre itself
    event = AuditEvent.objects.filter(action="download", object_type="crisis_handover").latest("id")
    assert "whereabouts" in event.sections
    Placement.objects.filter(episode=episode).update(ended_at=timezone.now())  # she has moved on
    assert _client(world.social_worker).get(url).status_code == 409


def test_a_partner_cannot_make_the_lead_agencys_handover(world):
    from casebridge.cases.models import TeamMember

    _placing(world)
    world.agencies["JPC"].services = ["shelter"]
    world.agencies["JPC"].save()
    member = TeamMember.objects.get(case=world.case, agency=world.agencies["SHS"])
    member.sections |= sec.to_mask([Section.WHEREABOUTS])
    member.save()
    episode = _episode(world, start=timezone.now() - 50 * H)
    actions.do_close_episode(
        episode, actor=world.social_worker, outcome="placed", agency=world.agencies["JPC"], override_reason="Ours"
    )
    url = reverse("crisis:handover", args=[episode.pk])
    assert _client(world.shelter_caseworker).get(url).status_code == 409
    assert _client(world.social_worker).get(url).status_code == 200
