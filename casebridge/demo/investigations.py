"""Fictional investigations: JPC's investigators know a small network of places, players and
phones from graded reports; the Phnom Penh police unit leads operations against them, in every
state from planned to closed, with JPC's aftercare on standby. The closed ones found the girls of
some of the demo's cases (each case carries a pseudonymous reference to its operation), adult
women who were not victims, and a girl of a borderline age. Written through the actions."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.models import Case
from casebridge.investigations import actions
from casebridge.investigations.models import Establishment, Operation
from casebridge.people.actions import clean_identity

PLACES = [
    # name, type, address, district, latitude, longitude, status
    (
        "Golden Star Karaoke",
        "karaoke",
        "No. 12, Street 63, Boeung Keng Kang 1",
        "1201",
        "11.5521",
        "104.9244",
        "operating",
    ),
    (
        "Lotus Blossom Massage",
        "massage",
        "No. 88, Street 51, Phsar Thmei 3",
        "1202",
        "11.5692",
        "104.9211",
        "operating",
    ),
    (
        "Riverside Beer Garden",
        "beer_garden",
        "Sisowath Quay, near the night market",
        "1202",
        "11.5746",
        "104.9282",
        "operating",
    ),
    ("Svay Pak rooms", "brothel", "Svay Pak village, house with a green gate", "1210", "11.6458", "104.9265", "moved"),
    ("Happy Night Guesthouse", "guesthouse", "No. 7, Street 136", "1202", "11.5701", "104.9236", "closed"),
    ("Street 51 corner", "street", "Street 51 and 172", "1202", "11.5663", "104.9219", "operating"),
]
SUBJECTS = [
    # family, given (Khmer), family, given (Latin), aliases, roles, age, sex
    ("ចាន់", "វិបុល", "Chan", "Vibol", ["Bong Bol"], ["Exploiter", "ControlledIndividual"], 44, "Masculine"),
    ("សុខ", "ស្រីលក្ខណ៍", "Sok", "Sreyleak", ["Mama Leak"], ["Exploiter", "HarbouredIndividual"], 51, "Feminine"),
    ("ហេង", "សារុន", "Heng", "Sarun", [], ["RecruiterOrIntermediary"], 29, "Masculine"),
    ("គឹម", "ដារ៉ា", "Kim", "Dara", ["Driver Dara"], ["Transporter"], 35, "Masculine"),
    ("លី", "ចន្ថា", "Ly", "Chantha", [], ["RecruiterOrIntermediary", "SoldIndividual"], 38, "Feminine"),
    ("ពេជ្រ", "សុវណ្ណ", "Pich", "Sovann", ["Mr. P"], ["Buyer"], 57, "Masculine"),
]
IDENTIFIERS = [
    # subject index, kind, value (written as people write them)
    (0, "phone", "012 888 777"),
    (0, "bank", "ABA 000 123 456"),
    (1, "phone", "+855 97 555 1212"),
    (1, "phone", "012-888-777"),  # the same phone as Vibol's: one identifier, two users
    (2, "social", "@sarun.jobs.pp"),
    (3, "vehicle", "PP 2AB-1234"),
    (4, "phone", "0888 200 300"),
]
LINKS = [
    # (a kind, a index), link kind, (b kind, b index), source
    (("subject", 0), "owns", ("establishment", 0), "intelligence"),
    (("subject", 1), "owns", ("establishment", 1), "intelligence"),
    (("subject", 1), "works_at", ("establishment", 0), "observation"),
    (("subject", 2), "recruited", ("subject", 4), "statement"),
    (("subject", 2), "associate", ("subject", 0), "intelligence"),
    (("subject", 3), "works_at", ("establishment", 0), "observation"),
    (("subject", 4), "works_at", ("establishment", 2), "observation"),
    (("subject", 5), "frequents", ("establishment", 0), "observation"),
    (("subject", 0), "owns", ("establishment", 3), "document"),
    (("subject", 1), "family", ("subject", 0), "statement"),
]


def _when(today: datetime.date, days_ago: int, hour: int = 22) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour))
    )


def create_investigations(
    agencies: dict[str, Agency], users: dict[str, User], cases: list[Case], today: datetime.date
) -> list[Operation]:
    rng = random.Random(11)
    jpc, police, aftercare = agencies["JPC"], agencies["AHTJP"], agencies["JPC"]
    piseth, dara = users["ngoinv.piseth"], users["police.dara"]
    places = [
        actions.do_create_establishment(
            actor=piseth,
            agency=jpc,
            kind=kind,
            name=name,
            address=address,
            province="KH-12",
            district=district,
            latitude=lat,
            longitude=lon,
            status_since=today - datetime.timedelta(days=400),
            different_place=True,
        )
        for name, kind, address, district, lat, lon, _status in PLACES
    ]
    for place, spec in zip(places, PLACES, strict=True):
        if spec[-1] != "operating":
            actions.do_change_status(
                place,
                actor=piseth,
                status=spec[-1],
                since=today - datetime.timedelta(days=40),
                note="Seen closed during a visit",
            )
    subjects = []
    for family, given, family_latin, given_latin, aliases, roles, age, sex in SUBJECTS:
        identity = clean_identity(
            {
                "family_name": family,
                "given_name": given,
                "family_name_latin": family_latin,
                "given_name_latin": given_latin,
                "aliases": aliases,
                "estimated_age": age,
                "age_method": "appearance",
                "gender": sex,
            }
        )
        subjects.append(actions.do_create_subject(actor=piseth, agency=jpc, identity=identity, roles=roles))
    nodes: dict[str, list[Any]] = {"subject": subjects, "establishment": places}
    for index, kind, value in IDENTIFIERS:
        identifier, _new = actions.do_add_identifier(actor=piseth, agency=jpc, kind=kind, value=value)
        actions.do_link(
            actor=piseth,
            agency=jpc,
            a_type="subject",
            a_id=subjects[index].pk,
            kind="uses",
            b_type="identifier",
            b_id=identifier.pk,
            source="observation",
        )
    for (a_kind, a), kind, (b_kind, b), source in LINKS:
        actions.do_link(
            actor=piseth,
            agency=jpc,
            a_type=a_kind,
            a_id=nodes[a_kind][a].pk,
            kind=kind,
            b_type=b_kind,
            b_id=nodes[b_kind][b].pk,
            source=source,
            starts_on=today - datetime.timedelta(days=rng.randint(100, 700)),
        )
    reports = [
        actions.do_create_report(
            actor=piseth,
            agency=jpc,
            received_on=today - datetime.timedelta(days=days),
            reliability=grade[0],
            credibility=grade[1],
            handling=handling,
            summary=summary,
            source=source,
            mentions=mentions,
            body="Details of what was seen and heard, written by the investigator after the visit.",
        )
        for days, grade, handling, summary, source, mentions in (
            (
                200,
                "B2",
                "investigators",
                "Girls who look under 16 offered in the back rooms of Golden Star",
                "Undercover visit, team 2",
                [("establishment", places[0].pk), ("subject", subjects[0].pk)],
            ),
            (
                120,
                "C3",
                "originator",
                "A recruiter promises restaurant jobs in Phnom Penh to girls from Prey Veng",
                "Community informant 14",
                [("subject", subjects[2].pk), ("subject", subjects[4].pk)],
            ),
            (
                30,
                "A1",
                "shareable",
                "New girls moved from Svay Pak to Lotus Blossom last week",
                "Two undercover visits",
                [("establishment", places[1].pk), ("establishment", places[3].pk)],
            ),
        )
    ]
    minors = [c for c in cases if c.lead_agency_id == jpc.pk and c.age_band in ("9-14", "15-17")]
    minors.sort(key=lambda c: c.opened_on)

    def plan(name: str, days_ago: int, targets: list[Establishment], basis: list[Any]) -> Operation:
        return actions.do_plan_operation(
            actor=piseth,
            agency=jpc,
            name=name,
            planned_for=_when(today, days_ago),
            lead_unit=police,
            participants=[agencies["DOSVY"]],
            standby=aftercare,
            targets=targets,
            basis=basis,
        )

    def carry_out(operation: Operation, days_ago: int) -> Operation:
        actions.do_authorise(
            operation,
            actor=dara,
            reference=f"PP-PROS-{rng.randint(100, 999)}",
            authorised_on=today - datetime.timedelta(days=days_ago + 2),
        )
        return actions.do_carry_out(
            operation,
            actor=dara,
            carried_out_at=_when(today, days_ago),
            debrief="The team entered at 22:00; the girls were taken to the station.",
        )

    operations = []
    # Closed: found three girls (now cases), an adult woman who was not a victim, and the owner.
    lotus = carry_out(plan("Operation Lotus", 95, [places[0]], [reports[0]]), 95)
    for case in minors[:3]:
        _screen_into_case(lotus, case, piseth, minor="yes")
    adult = actions.do_add_encounter(lotus, actor=dara, description="Cashier at the bar", sex="female")
    actions.do_screen(adult, actor=dara, data=_adult_not_a_victim())
    owner = actions.do_add_encounter(lotus, actor=dara, description="Man at the door", sex="male")
    actions.do_screen(owner, actor=dara, data={**_adult_not_a_victim(), "reason": "staff"})
    actions.do_record_arrest(lotus, actor=piseth, subject=subjects[0], encounter=owner)
    actions.do_record_arrest(lotus, actor=piseth, subject=subjects[3])
    for description, quantity in (("Ledger of payments, 40 pages", 1), ("Mobile phones", 3), ("Cash, riel", 1)):
        actions.do_add_seized(lotus, actor=dara, description=description, quantity=quantity)
    actions.do_close(lotus, actor=dara)
    operations.append(lotus)
    # Closed: a girl of a borderline age (a case) and two adult women who were not victims.
    riverside = carry_out(plan("Operation Riverside", 40, [places[2]], [reports[1]]), 40)
    if len(minors) > 3:
        _screen_into_case(riverside, minors[3], piseth, minor="borderline")
    for _n in range(2):
        woman = actions.do_add_encounter(riverside, actor=dara, description="Waitress", sex="female")
        actions.do_screen(woman, actor=dara, data=_adult_not_a_victim())
    actions.do_close(riverside, actor=dara)
    operations.append(riverside)
    # Carried out, one screening still to decide.
    orchid = carry_out(plan("Operation Orchid", 3, [places[1]], [reports[2]]), 3)
    waiting = actions.do_add_encounter(
        orchid, actor=dara, description="Girl in room 2, speaks Vietnamese", sex="female", removed=True
    )
    actions.do_screen(
        waiting,
        actor=dara,
        data={
            **_child(),
            "minor": "borderline",
            "age_low": 16,
            "age_high": 19,
            "status": "PossibleVictimOfTrafficking",
            "languages": ["vi"],
            "interpreter": True,
        },
    )
    operations.append(orchid)
    authorised = plan("Operation Kapok", -5, [places[5]], [])
    actions.do_authorise(authorised, actor=dara, reference="PP-PROS-771", authorised_on=today)
    operations.append(authorised)
    operations.append(plan("Operation Mekong", -12, [places[1], places[2]], [reports[2]]))
    cancelled = plan("Operation Jasmine", 60, [places[4]], [])
    actions.do_cancel(cancelled, actor=piseth, reason="The guesthouse was closed by the authorities first.")
    operations.append(cancelled)
    return operations


def _child() -> dict[str, Any]:
    return {
        "indicators": ["looks_under_18", "controlled_by_others", "debt"],
        "age_methods": ["interview", "appearance"],
        "minor": "yes",
        "age_low": 14,
        "age_high": 16,
        "status": "ActualVictimOfTrafficking",
        "decided_by": "Police",
        "exploitation": ["SexualExploitation"],
        "sexual_exploitation": ["Prostitution"],
        "control": ["DebtBondage", "WithholdsDocuments"],
        "recruitment": ["ThroughFriendsOrSocialEvents"],
        "relationship": "Acquainted",
        "languages": ["km"],
    }


def _adult_not_a_victim() -> dict[str, Any]:
    return {
        "age_methods": ["documents"],
        "minor": "no",
        "age_low": 24,
        "age_high": 30,
        "status": "NotAVictimOfTrafficking",
        "decided_by": "Police",
        "outcome": "not_a_victim",
        "reason": "adult_no_indicators",
        "languages": ["km"],
    }


def _screen_into_case(operation: Operation, case: Case, actor: User, *, minor: str) -> None:
    """The girl of ``case`` as the operation found her: encountered, screened, and her case linked."""
    encounter = actions.do_add_encounter(
        operation, actor=actor, description="Found in a back room", sex="female", removed=True
    )
    data = {**_child(), "minor": minor}
    if minor == "borderline":
        data.update(age_low=16, age_high=19, status="PossibleVictimOfTrafficking")
    screening = actions.do_screen(encounter, actor=actor, data=data)
    actions.do_open_case_for(screening, case, actor=actor)
