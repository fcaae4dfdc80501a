"""Every URL pattern, classified; every case-scoped route answers 404 to the outsider (and for a
case that does not exist) and 200 to someone entitled. A new route that is not classified here
fails the first test, so nobody adds a page without deciding who may reach it."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes that take a case id: how the entitled persona reaches them (GET status expected).
CASE_ROUTES = {
    "cases:detail": ("social_worker", 200),
    "cases:note_create": ("social_worker", 405),
    "cases:status": ("social_worker", 405),
    "cases:assign": ("social_worker", 405),
    "cases:team_add": ("social_worker", 200),
    "cases:team_remove": ("social_worker", 405),
    "consents:new": ("social_worker", 200),
    "audit:access_log": ("social_worker", 200),
    "case-detail": ("social_worker", 200),
    "case-timeline": ("social_worker", 200),
    "case-notes": ("social_worker", 200),
    "case-consents": ("social_worker", 200),
    "case-team": ("social_worker", 200),
    "case-access-log": ("social_worker", 200),
    "cases:note": ("social_worker", 200),
    "cases:participant_add": ("social_worker", 200),
    "case-participants": ("social_worker", 200),
    "case-correct-note": ("social_worker", 405),
    "cases:identity": ("social_worker", 200),
    "case-correct-identity": ("social_worker", 405),
}
NOTE_ROUTES = {"cases:note", "case-correct-note"}
PATCH_ROUTES = {"case-correct-identity"}  # written with PATCH (GET answers 405)
# Routes without a case id, and why they are safe to list: each shows only what is scoped.
OTHER_ROUTES = {
    "cases:home": "the user's own cases (visible_to), due items and notifications only",
    "cases:list": "lists visible_to(user) only",
    "cases:new": "creates; needs an intake role",
    "people:search": "searches visible_to(user) only",
    "cases:contact_requests": "ContactRequest visible_to(user) only; a requester never sees the case (contact tests)",
    "cases:contact_answer": "visible_to(user) and the case's lead staff, 404 otherwise (contact request tests)",
    "case-possible-people": "visible_to(user) people; elsewhere only as a yes or no (contact request tests)",
    "contact-request-list": "ContactRequest visible_to(user) only (contact request tests)",
    "contact-request-answer": "visible_to(user) and the case's lead staff, 404 otherwise (contact request tests)",
    "audit:break_glass": "asks for access; audited",
    "audit:break_glass_list": "the privacy officer's own agency only",
    "audit:review": "reviewable_by(user) only (tested in audit tests)",
    "case-list": "lists visible_to(user) only",
    "people-list": "searches visible_to(user) only",
    "agency-list": "agencies are not case data",
    "agency-detail": "agencies are not case data",
    "api-root": "an index of links",
    "schema": "the OpenAPI document",
    "docs": "the API documentation page",
    "set_language": "language switch",
    "notifications:inbox": "the user's own notifications only",
    "notifications:read": "marks the user's own notifications only",
    "notifications:open": "the user's own notification, 404 otherwise (tested in notifications tests)",
    "accounts:settings": "the user's own settings only",
    "me": "the caller's own settings only",
    "notification-list": "the caller's own notifications only",
    "audit:memberships": "memberships awaiting the privacy officer's own approval only",
    "audit:decide_membership": "awaiting_approval(user) only, 404 otherwise (tested in agencies tests)",
    "membership-list": "memberships awaiting the caller's approval only",
    "membership-approve": "awaiting_approval(user) only, 404 otherwise (tested in agencies tests)",
    "membership-refuse": "awaiting_approval(user) only, 404 otherwise (tested in agencies tests)",
    "notification-read": "marks the caller's own notifications only",
    "emergency-access-list": "reviewable_by(user) only: empty for anyone else (tested in audit tests)",
    # Prevalence studies: Study visible_to(user) (the owning agency's research leads and
    # investigators), 404 otherwise, on every page and endpoint (prevalence tests).
    "prevalence:list": "lists Study visible_to(user) only; 404 without a study role",
    "prevalence:new": "needs a programme manager's membership; 404 otherwise",
    "prevalence:detail": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence:stratum_add": "get_study, then the study's research leads only (prevalence tests)",
    "prevalence:frame": "get_study: visible_to(user), 404 otherwise; each name shown is audited",
    "prevalence:sample": "get_study: visible_to(user), 404 otherwise; drawing: research leads only",
    "prevalence:visits": "get_study: visible_to(user), 404 otherwise; each row shown is audited",
    "prevalence:visit_void": "get_study and Visit visible_to(user), 404 otherwise; the recorder or a lead",
    "prevalence:replace": "get_study, then the study's research leads only (prevalence tests)",
    "prevalence:visit_new": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-list": "lists Study visible_to(user) only",
    "prevalence-study-detail": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-strata": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-establishments": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-sample": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-replace": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-visits": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    "prevalence-study-void": "get_study and Visit visible_to(user), 404 otherwise (prevalence tests)",
    # Training: TrainingEvent visible_to(user) (the organising agency's trainers and programme
    # managers), 404 otherwise (training tests).
    "training:list": "lists TrainingEvent visible_to(user) only; 404 without a training role",
    "training:new": "needs a trainer's membership; 404 otherwise",
    "training:detail": "get_event: visible_to(user), 404 otherwise (training tests)",
    "training:participant_add": "get_event, then the organising agency's trainers only (training tests)",
    "training:import": "get_event, then the organising agency's trainers only (training tests)",
    "training:scores": "get_event, then the organising agency's trainers only (training tests)",
    "training:participant_remove": "get_event and Participant visible_to(user), 404 otherwise; trainers only",
    "training:certificate": "get_event and Participant visible_to(user), 404 otherwise; audited",
    "training-event-list": "lists TrainingEvent visible_to(user) only",
    "training-event-detail": "get_event: visible_to(user), 404 otherwise (training tests)",
    "training-event-participants": "get_event: visible_to(user), 404 otherwise (training tests)",
    "training-event-scores": "get_event and Participant visible_to(user), 404 otherwise (training tests)",
    "training-figures": "counts over TrainingEvent visible_to(user) only; 404 without a training role",
    "indicators:dashboard": "programme managers only, 404 otherwise; aggregates with no cell under 11",
    "indicators": "programme managers only, 404 otherwise; aggregates with no cell under 11",
    "indicators:report_new": "programme managers only, 404 otherwise; the requester's own report",
    "indicators:report": "Report visible_to(user): the requester's own, 404 otherwise (indicator tests)",
    "indicators:report_file": "Report visible_to(user): the requester's own, 404 otherwise (indicator tests)",
    "indicator-reports": "programme managers only, 404 otherwise; the requester's own report",
    "indicator-report": "Report visible_to(user): the requester's own, 404 otherwise (indicator tests)",
    "prevalence-study-estimate": "get_study: visible_to(user), 404 otherwise (prevalence tests)",
    # Crisis care: the case's crisis-care section (Episode visible_to: cases.access.case_q), 404
    # otherwise (crisis/tests/test_crisis.py).
    "crisis:board": "Episode visible_to(user) only; 404 without a crisis-care role",
    "crisis:new": "a case visible_to(user, crisis care) by its number; 404 without a crisis-care role",
    "crisis:episode": "get_episode: visible_to(user), 404 otherwise (crisis tests)",
    "crisis:shift_add": "get_episode, then writable crisis care only (crisis tests)",
    "crisis:shift_cancel": "get_episode and Shift visible_to(user), 404 otherwise (crisis tests)",
    "crisis:close": "get_episode, then writable crisis care only (crisis tests)",
    "crisis:incident": "get_episode, then writable crisis care only (crisis tests)",
    "crisis-episode-incidents": "get_episode: visible_to(user), 404 otherwise (crisis tests)",
    "crisis-episode-list": "Episode visible_to(user) only",
    "crisis-episode-detail": "get_episode: visible_to(user), 404 otherwise (crisis tests)",
    "crisis-episode-close": "get_episode: visible_to(user), 404 otherwise (crisis tests)",
    "crisis-episode-shifts": "get_episode: visible_to(user), 404 otherwise (crisis tests)",
    "crisis-episode-coverage": "get_episode: visible_to(user), 404 otherwise (crisis tests)",
    "crisis-board": "Episode visible_to(user) only",
    "restoration:partners": "directory (no case data); with a case number, Case visible_to(user, identity)",
    "restoration:referrals": "Referral visible_to(user) only; 404 without case content",
    "restoration:referral_new": "a case visible_to(user) by its number; the lead's case staff (actions)",
    "restoration:referral": "Referral visible_to(user), 404 otherwise (test_referral_pages)",
    "restoration:referral_move": "Referral visible_to(user), 404 otherwise (test_referral_pages)",
    "case-placements": "get_case, then the whereabouts section (404 otherwise) and sees_agency (test_partners)",
    "referral-list": "Referral visible_to(user): sent by one's agency or open to it, on a case one reaches",
    "referral-detail": "Referral visible_to(user), 404 otherwise (restoration test_referrals)",
    "referral-send": "Referral visible_to(user), 404 otherwise; the lead's case staff (test_referrals)",
    "referral-accept": "Referral visible_to(user), 404 otherwise; the receiving partner (test_referrals)",
    "referral-decline": "Referral visible_to(user), 404 otherwise; the receiving partner (test_referrals)",
    "referral-revoke": "Referral visible_to(user), 404 otherwise; the lead's case staff (test_referrals)",
    "referral-complete": "Referral visible_to(user), 404 otherwise; lead or partner (test_referrals)",
    # Her care (restoration.care_api): the case through Case.visible_to(user, section) for the
    # section the records belong to, 404 otherwise, on every route (test_care_api outsider tests).
    **{
        f"case-{name}": "Case visible_to(user, its section), 404 otherwise (restoration test_care_api)"
        for name in (
            "care-plan",
            "care-goals",
            "care-goal",
            "care-services",
            "care-reviews",
            "care-close",
            "medical",
            "counselling",
            "education",
            "enrolments",
            "enrolment",
            "livelihood",
            "reintegration",
            "reintegration-stage",
            "reintegration-checks",
            "reintegration-outcomes",
            "reintegration-follow-up",
        )
    },
    "case-transfer": "Case visible_to(user) with a section of it, 404 otherwise (restoration test_transfer)",
    "case-transfer-move": "Transfer visible_to(user) on such a case, 404 otherwise (restoration test_transfer)",
    "restoration:care": "Case visible_to(user, the area's section), 404 otherwise (test_care_pages)",
    "restoration:care_post": "Case visible_to(user, the area's section), 404 otherwise (test_care_pages)",
    "partner-list": "directory (no case data); with case=, Case visible_to(user, identity), 404 otherwise",
    "crisis:handover": "get_episode, then Placement visible_to(user), lead or the centre (test_review_findings)",
    "crisis:record": "get_episode, then writable crisis care only (crisis test_care_records)",
    "crisis-episode-assessments": "get_episode: visible_to(user), 404 otherwise (test_care_records)",
    "crisis-episode-care-items": "get_episode: visible_to(user), 404 otherwise (test_care_records)",
    "crisis-episode-interviews": "get_episode: visible_to(user), 404 otherwise (test_care_records)",
    "crisis-episode-guardian": "get_episode: visible_to(user), 404 otherwise (test_care_records)",
    "crisis-episode-placement-suggestion": "get_episode: visible_to(user), 404 otherwise (test_care_records)",
    "crisis-placement-rule-list": "configuration, no case data; empty without a crisis-care role",
    "crisis-placement-rule-detail": "configuration, no case data; 404 without a crisis-care role",
    # The legal compartment (legal.access): proceedings of one's legal agency or granted by name,
    # 404 for everyone else on every page and endpoint (legal/tests/test_proceedings.py).
    **{
        f"legal:{name}": "lawyers of the lead legal agency or granted; get_visible, 404 otherwise (legal tests)"
        for name in ("list", "new", "detail", "post", "calendar")
    },
    **{
        f"legal-proceeding-{name}": "Proceeding visible_to(user), 404 otherwise (legal tests)"
        for name in (
            *("list", "detail", "defendants", "charges", "charge", "stage", "hearings", "summon", "custody"),
            *("judgment", "appeal", "compensation", "payments", "evidence", "handoffs", "confirm"),
            *("counsel", "revoke-counsel"),
        )
    },
    "case-testimony": "Case visible_to(user, care plan) | visible_to(user, legal), 404 otherwise; readiness "
    "notes for the recording agency only (legal/tests/test_testimony.py)",
    "testimony:page": "Case visible_to(user, care plan) | visible_to(user, legal), 404 otherwise "
    "(legal/tests/test_testimony.py)",
    "legal-proceeding-hearing-bundle": "Proceeding get_visible, Hearing visible_to in it; 404 otherwise; "
    "the export audited (legal/tests/test_bundle.py)",
    "legal:bundle": "Proceeding get_visible, Hearing visible_to in it; 404 otherwise (legal/tests/test_bundle.py)",
    "legal-stage-durations": "aggregates of the proceedings the caller's agencies lead (managers, lawyers); "
    "404 otherwise",
    "legal:stages": "aggregates of the proceedings the caller's agencies lead (managers, lawyers); 404 otherwise",
    "legal-calendar": "the caller's own calendar address; 404 without a lawyer's membership",
    "legal-calendar-feed": "no sign-in: the secret token (its digest) finds a lawyer; that lawyer's "
    "Hearing visible_to, no names; 404 for an unknown or revoked token (legal/tests/test_judgments.py)",
    "legal-charge-code-list": "configuration, no case data; 404 without a lawyer's membership",
    "legal-charge-code-detail": "configuration, no case data; 404 without a lawyer's membership",
    # Investigations: a compartment of its own (investigations.access): each record through its
    # visible_to (the owning agency's investigators, an operation's agencies, a grant), 404 for
    # everyone else on every page and endpoint (investigations/tests/test_compartment.py).
    **{
        f"investigations:{name}": "investigation roles or a grant only; get_visible, 404 otherwise (compartment tests)"
        for name in (
            "home",
            "list",
            "establishment_new",
            "communes",
            "establishment",
            "establishment_status",
            "subject_new",
            "subject",
            "subject_identifier",
            "identifier",
            "intelligence_new",
            "intelligence",
            "link_new",
            "operation_new",
            "operation",
            "operation_step",
            "operation_record",
            "arrest_withdraw",
            "screening",
            "screening_case",
            "network",
            "ref",
        )
    },
    **{
        f"investigation-{name}": "investigation roles or a grant only; visible_to, 404 otherwise (compartment tests)"
        for name in (
            "establishment-list",
            "establishment-detail",
            "establishment-status",
            "subject-list",
            "subject-detail",
            "identifier-list",
            "identifier-detail",
            "link-list",
            "link-detail",
            "intelligence-list",
            "intelligence-detail",
            "operation-list",
            "operation-detail",
            "operation-step",
            "operation-encounters",
            "operation-arrests",
            "operation-withdraw",
            "operation-seized",
            "operation-screenings",
            "operation-screening-case",
            "network",
        )
    },
}


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_it_classifies_every_route():
    ours = {
        n
        for n in _names(get_resolver())
        if not n.startswith(("admin:", "account_", "mfa_", "socialaccount", "usersessions", "headless"))
    }
    unclassified = ours - set(CASE_ROUTES) - set(OTHER_ROUTES)
    assert not unclassified, f"classify these routes in the access matrix: {sorted(unclassified)}"


def _note(world):  # type: ignore[no-untyped-def]
    from casebridge.cases.actions import do_add_note

    return do_add_note(world.case, actor=world.social_worker, section="crisis_care", body="Slept well.").pk


def _url(name: str, case_id: object, member_id: int = 1, note_id: object = None) -> str:
    from django.urls import reverse

    note_id = note_id or uuid.uuid4()
    if name == "case-correct-note":
        return reverse(name, kwargs={"pk": case_id, "note_id": note_id})
    if name == "cases:note":
        return reverse(name, kwargs={"case_id": case_id, "note_id": note_id})
    if name.startswith("case-"):
        return reverse(name, kwargs={"pk": case_id})
    if name == "cases:team_remove":
        return reverse(name, kwargs={"case_id": case_id, "member_id": member_id})
    return reverse(name, kwargs={"case_id": case_id})


@pytest.mark.parametrize("name", sorted(CASE_ROUTES))
def test_it_answers_404_to_the_outsider(world, login, name):
    client = login(world.outsider)
    url = _url(name, world.case.pk, world.case.team.first().pk, _note(world) if name in NOTE_ROUTES else None)
    post_only = CASE_ROUTES[name][1] == 405
    assert client.get(url).status_code == (405 if post_only else 404)
    # A write is refused exactly as for a case that does not exist (405 where the route never
    # takes POST, 404 otherwise), so the answer says nothing about the case.
    write = client.patch if name in PATCH_ROUTES else client.post
    posted = write(url, {})
    assert posted.status_code in (404, 405)
    assert write(_url(name, uuid.uuid4()), {}).status_code == posted.status_code


@pytest.mark.parametrize("name", sorted(CASE_ROUTES))
def test_it_answers_404_for_a_case_that_does_not_exist(world, login, name):
    client = login(world.social_worker)
    url = _url(name, uuid.uuid4())
    post_only = CASE_ROUTES[name][1] == 405
    write = client.patch if name in PATCH_ROUTES else client.post
    response = write(url, {}) if post_only else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(CASE_ROUTES))
def test_it_serves_the_entitled(world, login, name):
    persona, expected = CASE_ROUTES[name]
    client = login(world.users[persona])
    url = _url(name, world.case.pk, world.case.team.first().pk, _note(world) if name in NOTE_ROUTES else None)
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("persona", ["admin", "manager", "trainer", "gov_social_worker", "assessment_worker"])
def test_it_hides_the_case_from_roles_without_access(world, login, persona):
    client = login(world.users[persona])
    assert client.get(_url("cases:detail", world.case.pk)).status_code == 404
    assert client.get(_url("case-detail", world.case.pk)).status_code == 404
    listing = client.get("/api/v1/cases/").json()
    assert listing["count"] == 0 and listing["results"] == []
    assert world.case.number not in client.get("/").content.decode()


@pytest.mark.parametrize("name", sorted(CASE_ROUTES))
def test_it_sends_anonymous_users_away(world, client, name):
    response = client.get(_url(name, world.case.pk, world.case.team.first().pk))
    assert response.status_code in (302, 401, 403)
    assert world.case.number not in response.content.decode()
