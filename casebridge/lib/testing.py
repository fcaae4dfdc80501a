"""The persona world every test uses: named people across agencies, one shared case.

Agencies: AHTJP (police), DOSVY (provincial social affairs), JPC (lead NGO with investigations,
aftercare and legal teams), HAC (assessment centre), SHS (shelter), MCL (clinic), OTH (an NGO
with no part in the case).

The case ``world.case`` is led by JPC, owned by ``social_worker``; the shelter (agency) and the
police investigator (user) are on its team; the nurse has a referral grant through the clinic;
``outsider`` (OTH) reaches nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Membership, OrgType, Role, Team
from casebridge.cases import sections as sec
from casebridge.cases.models import Case, ReferralGrant, TeamMember
from casebridge.cases.sections import Section

PASSWORD = "correct horse battery staple"

AGENCIES = [
    ("AHTJP", "Anti-Human Trafficking and Juvenile Protection Police, Phnom Penh", OrgType.LAW_ENFORCEMENT, "KH-12"),
    ("DOSVY", "Phnom Penh Department of Social Affairs", OrgType.LOCAL_GOVERNMENT, "KH-12"),
    ("JPC", "Justice Partners Cambodia", OrgType.NGO, "KH-12"),
    ("HAC", "Hope Assessment Centre", OrgType.NGO, "KH-8"),
    ("SHS", "Safe Haven Shelter", OrgType.NGO, "KH-12"),
    ("MCL", "Mercy Clinic", OrgType.HEALTH, "KH-12"),
    ("OTH", "Other Outreach NGO", OrgType.NGO, "KH-17"),
]

PERSONAS = [
    ("police", "AHTJP", Role.POLICE_INVESTIGATOR, ""),
    ("ngo_investigator", "JPC", Role.NGO_INVESTIGATOR, "Investigations"),
    ("social_worker", "JPC", Role.AFTERCARE_SOCIAL_WORKER, "Aftercare"),
    ("gov_social_worker", "DOSVY", Role.GOVERNMENT_SOCIAL_WORKER, ""),
    ("assessment_worker", "HAC", Role.PARTNER_CASEWORKER, ""),
    ("shelter_caseworker", "SHS", Role.PARTNER_CASEWORKER, ""),
    ("nurse", "MCL", Role.MEDICAL_STAFF, ""),
    ("lawyer", "JPC", Role.LAWYER, "Legal"),
    ("manager", "JPC", Role.PROGRAMME_MANAGER, ""),
    ("trainer", "JPC", Role.TRAINER, ""),
    ("admin", "JPC", Role.ADMINISTRATOR, ""),
    ("privacy_officer", "JPC", Role.PRIVACY_OFFICER, ""),
    ("outsider", "OTH", Role.PARTNER_CASEWORKER, ""),
]


@dataclass
class World:
    agencies: dict[str, Agency]
    users: dict[str, User]
    totp_secrets: dict[str, str]
    case: Case

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def make_user(
    username: str, agency: Agency, role: str, team: Team | None = None, *, email: str = ""
) -> tuple[User, str]:
    user = User.objects.create_user(username=username, password=PASSWORD, email=email or f"{username}@example.org")
    # The world's memberships are in force from the start, as if a privacy officer had approved them.
    Membership.objects.create(user=user, agency=agency, role=role, team=team, approved_at=timezone.now())
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def build_world() -> World:
    from casebridge.cases.actions import do_open_case
    from casebridge.consents.actions import do_record_consent
    from casebridge.people.actions import clean_identity

    agencies = {
        code: Agency.objects.create(code=code, name=name, org_type=org_type, province=province)
        for code, name, org_type, province in AGENCIES
    }
    users: dict[str, User] = {}
    secrets: dict[str, str] = {}
    for username, code, role, team_name in PERSONAS:
        team = Team.objects.get_or_create(agency=agencies[code], name=team_name)[0] if team_name else None
        users[username], secrets[username] = make_user(username, agencies[code], role, team)

    identity = clean_identity(
        {
            "given_name": "ស្រីពៅ",
            "family_name": "សុខ",
            "given_name_latin": "Srey Pov",
            "family_name_latin": "Sok",
            "aliases": ["Pov"],
            "estimated_age": 15,
            "age_method": "appearance",
            "gender": "Feminine",
            "nationalities": ["KH"],
            "languages": ["km"],
            "phone": "+85512345678",
            "address": "Shelter room 4, Street 123, Phnom Penh",
        }
    )
    today = timezone.localdate()
    case = do_open_case(
        actor=users["social_worker"],
        agency=agencies["JPC"],
        identity=identity,
        province="KH-12",
        opened_on=today - datetime.timedelta(days=3),
    )
    for code in ("SHS", "AHTJP"):
        do_record_consent(
            case,
            actor=users["social_worker"],
            purpose="sharing",
            shared_with=agencies[code],
            decision="given",
            given_by="guardian",
            child_assent=True,
            decided_on=today,
            language="khm",
        )
    TeamMember.objects.create(
        case=case,
        agency=agencies["SHS"],
        sections=sec.to_mask([Section.IDENTITY, Section.CRISIS_CARE, Section.CARE_PLAN]),
        added_by=users["social_worker"],
    )
    TeamMember.objects.create(
        case=case,
        user=users["police"],
        sections=sec.to_mask([Section.IDENTITY, Section.INVESTIGATION]),
        added_by=users["social_worker"],
    )
    ReferralGrant.objects.create(
        case=case,
        agency=agencies["MCL"],
        sections=sec.to_mask([Section.IDENTITY, Section.MEDICAL]),
        granted_by=users["social_worker"],
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return World(agencies=agencies, users=users, totp_secrets=secrets, case=case)


def share_consent(
    world: World, code: str, *, case: Case | None = None, actor: User | None = None, decision: str = "given"
) -> None:
    """Record the survivor's decision on sharing with agency ``code`` (a guardian's, with the
    child's assent when given), on the world's case unless another is named."""
    from casebridge.consents.actions import do_record_consent

    do_record_consent(
        case or world.case,
        actor=actor or world.users["social_worker"],
        purpose="sharing",
        shared_with=world.agencies[code],
        decision=decision,
        given_by="guardian",
        child_assent=decision == "given",
        decided_on=timezone.localdate(),
        language="khm",
    )


def run_ready_tasks() -> int:
    """Run the background tasks that are due, here and now, as ``manage.py db_worker`` would
    (its own worker, without the loop that would close the test's connection). Returns how many
    ran."""
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
