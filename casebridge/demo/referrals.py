"""Fictional referrals, one in each state: JPC's aftercare refers survivors of cases it leads to
Rumdoul House Shelter (SHS) and Cầu Nối Community Support (CNS), with their consent to share
(recorded first), for counselling, shelter or reintegration; the partners answer. One draft,
one waiting for an answer, accepted, declined, completed, revoked, and one that expired."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.models import Case
from casebridge.consents.actions import do_record_consent
from casebridge.restoration import actions
from casebridge.restoration.models import Referral

# (partner, services, sections, what happens after the draft)
PLAN = [
    ("SHS", ["counselling"], ["identity", "counselling"], []),
    ("SHS", ["shelter"], ["identity", "care_plan", "whereabouts"], ["send"]),
    ("CNS", ["reintegration"], ["identity", "care_plan"], ["send", "accept"]),
    ("SHS", ["shelter"], ["identity", "care_plan"], ["send", "decline"]),
    ("CNS", ["counselling"], ["identity", "counselling"], ["send", "accept", "complete"]),
    ("SHS", ["counselling"], ["identity"], ["send", "revoke"]),
    ("CNS", ["shelter"], ["identity", "whereabouts"], ["send", "expire"]),
]


def consent_to_share(case: Case, agency: Agency, actor: User) -> None:
    """Her consent to share with ``agency``: her own if she is an adult, else her guardian's with
    her assent."""
    age = case.survivor.age_now()
    adult = age is not None and age >= 18
    do_record_consent(
        case,
        actor=actor,
        purpose="sharing",
        shared_with=agency,
        decision="given",
        given_by="survivor" if adult else "guardian",
        child_assent=None if adult else True,
        decided_on=timezone.localdate(),
        language="khm",
    )


def create_referrals(agencies: dict[str, Agency], users: dict[str, User], cases: list[Case]) -> list[Referral]:
    sophea = users["aftercare.sophea"]
    answer = {"SHS": users["shelter.channary"], "CNS": users["partner.hong"]}
    led = [c for c in cases if c.lead_agency_id == agencies["JPC"].pk and not c.is_closed]
    led.sort(key=lambda c: c.opened_on)  # the oldest: not the girls in crisis care now
    made = []
    for case, (code, services, sections, moves) in zip(led, PLAN, strict=False):
        partner = agencies[code]
        consent_to_share(case, partner, sophea)
        referral = actions.do_create_referral(
            case, actor=sophea, to_agency=partner, services=services, sections=sections, note="Fictional demo referral."
        )
        for move in moves:
            if move == "send":
                actions.do_send(referral, actor=sophea)
            elif move == "accept":
                actions.do_accept(referral, actor=answer[code], note="We have a place and a counsellor.")
            elif move == "decline":
                actions.do_decline(referral, actor=answer[code], reason="No place for a girl of her age this month.")
            elif move == "complete":
                actions.do_complete(referral, actor=answer[code])
            elif move == "revoke":
                actions.do_revoke(referral, actor=sophea, reason="She chose to go home to her aunt.")
            elif move == "expire":  # its week to answer is over
                Referral.objects.filter(pk=referral.pk).update(answer_by=timezone.now() - datetime.timedelta(hours=1))
                actions.expire_due()
        made.append(referral)
    return made
