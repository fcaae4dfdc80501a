"""An investigation in the persona world: JPC's investigators know an establishment, a subject
and his phone from a report; the police unit (AHTJP) leads an operation against the place, with
JPC's aftercare on standby, and it found two people."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from casebridge.investigations import actions
from casebridge.investigations.models import (
    Encounter,
    Establishment,
    Identifier,
    IntelligenceReport,
    Operation,
    Subject,
)
from casebridge.lib.testing import World
from casebridge.people.actions import clean_identity


@dataclass
class Investigation:
    place: Establishment
    subject: Subject
    phone: Identifier
    report: IntelligenceReport
    operation: Operation
    girl: Encounter
    woman: Encounter


def screening_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "indicators": ["looks_under_18", "controlled_by_others"],
        "age_methods": ["interview", "appearance"],
        "minor": "yes",
        "age_low": 14,
        "age_high": 16,
        "status": "ActualVictimOfTrafficking",
        "decided_by": "Police",
        "exploitation": ["SexualExploitation"],
        "sexual_exploitation": ["Prostitution"],
        "control": ["DebtBondage"],
        "recruitment": ["ThroughFriendsOrSocialEvents"],
        "relationship": "Acquainted",
        "languages": ["km"],
        "history": [{"type": "Recruitment", "country": "KH", "place": "Prey Veng", "date": "2026-01-10"}],
    }
    data.update(changes)
    return data


def build_investigation(world: World, *, carried_out: bool = True) -> Investigation:
    jpc, police = world.agencies["JPC"], world.agencies["AHTJP"]
    investigator = world.ngo_investigator
    place = actions.do_create_establishment(
        actor=investigator,
        agency=jpc,
        kind="karaoke",
        name="Golden Star Karaoke",
        aliases=["Star KTV"],
        address="Street 63, Boeung Keng Kang",
        province="KH-12",
        district="1201",
        latitude="11.5564",
        longitude="104.9282",
    )
    subject = actions.do_create_subject(
        actor=investigator,
        agency=jpc,
        identity=clean_identity({"family_name_latin": "Chan", "given_name_latin": "Vibol", "aliases": ["Bong Bol"]}),
        roles=["Exploiter", "RecruiterOrIntermediary"],
    )
    phone, _created = actions.do_add_identifier(actor=investigator, agency=jpc, kind="phone", value="012 888 777")
    actions.do_link(
        actor=investigator,
        agency=jpc,
        a_type="subject",
        a_id=subject.pk,
        kind="uses",
        b_type="identifier",
        b_id=phone.pk,
        source="observation",
    )
    actions.do_link(
        actor=investigator,
        agency=jpc,
        a_type="subject",
        a_id=subject.pk,
        kind="owns",
        b_type="establishment",
        b_id=place.pk,
        source="intelligence",
    )
    report = actions.do_create_report(
        actor=investigator,
        agency=jpc,
        received_on=timezone.localdate() - datetime.timedelta(days=20),
        reliability="B",
        credibility="2",
        handling="investigators",
        summary="Girls under 18 offered at Golden Star",
        mentions=[("establishment", place.pk), ("subject", subject.pk)],
    )
    operation = actions.do_plan_operation(
        actor=investigator,
        agency=jpc,
        name="Operation Lotus",
        planned_for=timezone.now() - datetime.timedelta(days=2),
        lead_unit=police,
        standby=jpc,
        targets=[place],
        basis=[report],
    )
    girl = woman = None
    if carried_out:
        actions.do_authorise(
            operation,
            actor=world.police,
            reference="PP-2026-114",
            authorised_on=timezone.localdate() - datetime.timedelta(days=3),
        )
        operation = actions.do_carry_out(
            operation, actor=world.police, carried_out_at=timezone.now() - datetime.timedelta(hours=5)
        )
        girl = actions.do_add_encounter(
            operation, actor=world.police, description="Room 3, red shirt", sex="female", removed=True
        )
        woman = actions.do_add_encounter(operation, actor=world.police, description="Cashier", sex="female")
    operation.refresh_from_db()
    return Investigation(place, subject, phone, report, operation, girl, woman)  # type: ignore[arg-type]
