"""The demo world: fictional agencies, one account per role (and a few more), and cases made
through the same actions a user's clicks go through, so consents, case teams, the timeline,
search tokens and the audit chain are exactly what real use would leave.

Every account shares :data:`DEMO_PASSWORD` and the TOTP secret in :mod:`casebridge.demo.totp`.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Membership, OrgType, Role, Team
from casebridge.cases.actions import (
    do_add_note,
    do_add_participant,
    do_add_team_member,
    do_correct_identity,
    do_correct_note,
    do_open_case,
    do_update_case,
)
from casebridge.cases.models import Case, CaseStatus, ClosureReason, ParticipantRole
from casebridge.cases.sections import Section
from casebridge.consents.actions import ADULT, CONSENTS_ALONE, do_record_consent
from casebridge.consents.models import Decision, GivenBy, Purpose
from casebridge.demo import fake
from casebridge.demo.care import create_care
from casebridge.demo.crisis import create_crisis_care
from casebridge.demo.history import create_history
from casebridge.demo.investigations import create_investigations
from casebridge.demo.legal import create_proceedings
from casebridge.demo.names import STAFF_NAMES
from casebridge.demo.prevalence import create_studies
from casebridge.demo.referrals import create_referrals
from casebridge.demo.totp import DEMO_TOTP_SECRET
from casebridge.demo.training import create_training
from casebridge.people.actions import clean_identity

DEMO_PASSWORD = "casebridge-demo"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    org_type: str
    province: str
    teams: tuple[str, ...] = ()
    platform: bool = False


AGENCIES = [
    AgencySpec(
        "AHTJP", "Anti-Human Trafficking and Juvenile Protection Police, Phnom Penh", OrgType.LAW_ENFORCEMENT, "KH-12"
    ),
    AgencySpec("AHTSR", "Anti-Human Trafficking Police, Siem Reap Provincial Unit", OrgType.LAW_ENFORCEMENT, "KH-17"),
    AgencySpec(
        "DOSVY",
        "Phnom Penh Department of Social Affairs, Veterans and Youth Rehabilitation",
        OrgType.LOCAL_GOVERNMENT,
        "KH-12",
    ),
    AgencySpec("JPC", "Justice Partners Cambodia", OrgType.NGO, "KH-12", ("Investigations", "Aftercare", "Legal")),
    AgencySpec("HAC", "Kandal Hope Assessment Centre", OrgType.NGO, "KH-8"),
    AgencySpec("SHS", "Rumdoul House Shelter", OrgType.NGO, "KH-12"),
    AgencySpec("MCL", "Tonle Family Health Clinic", OrgType.HEALTH, "KH-12"),
    AgencySpec("CNS", "Cầu Nối Community Support", OrgType.NGO, "KH-12"),
    AgencySpec("LLA", "Lantern Legal Aid", OrgType.LEGAL, "KH-12"),
    # Operates this casebridge: its privacy officer approves and reviews for agencies with none.
    AgencySpec("OPS", "casebridge Operations (platform)", OrgType.NGO, "KH-12", platform=True),
]


@dataclass(frozen=True)
class AccountSpec:
    username: str
    memberships: tuple[tuple[str, str, str], ...]  # (agency code, role, team name or "")

    @property
    def staff_key(self) -> str:
        return self.username.split(".", 1)[1]


def _one(username: str, code: str, role: str, team: str = "") -> AccountSpec:
    return AccountSpec(username, ((code, role, team),))


R = Role
ACCOUNTS = [
    _one("police.dara", "AHTJP", R.POLICE_INVESTIGATOR),
    _one("police.sovann", "AHTSR", R.POLICE_INVESTIGATOR),
    _one("ngoinv.piseth", "JPC", R.NGO_INVESTIGATOR, "Investigations"),
    _one("aftercare.sophea", "JPC", R.AFTERCARE_SOCIAL_WORKER, "Aftercare"),
    _one("aftercare.kanha", "JPC", R.AFTERCARE_SOCIAL_WORKER, "Aftercare"),
    _one("govsw.sokun", "DOSVY", R.GOVERNMENT_SOCIAL_WORKER),
    _one("shelter.channary", "SHS", R.PARTNER_CASEWORKER),
    _one("assess.sreymom", "HAC", R.PARTNER_CASEWORKER),
    # One caseworker works for both the shelter and the assessment centre: she sees the cases
    # shared with either, each only in the sections shared.
    AccountSpec("caseworker.nary", (("SHS", R.PARTNER_CASEWORKER, ""), ("HAC", R.PARTNER_CASEWORKER, ""))),
    _one("partner.hong", "CNS", R.PARTNER_CASEWORKER),
    _one("nurse.bopha", "MCL", R.MEDICAL_STAFF),
    _one("doctor.visal", "MCL", R.MEDICAL_STAFF),
    _one("lawyer.vannak", "JPC", R.LAWYER, "Legal"),
    _one("lawyer.ratha", "LLA", R.LAWYER),
    _one("manager.kosal", "JPC", R.PROGRAMME_MANAGER),
    _one("trainer.lina", "JPC", R.TRAINER),
    _one("admin.rith", "JPC", R.ADMINISTRATOR),
    _one("privacy.malis", "JPC", R.PRIVACY_OFFICER),
    _one("privacy.chenda", "OPS", R.PRIVACY_OFFICER),
]
# A new colleague whose membership waits for the privacy officer's approval (set up by admin.rith).
PENDING = AccountSpec("newcomer.dalin", (("JPC", R.AFTERCARE_SOCIAL_WORKER, "Aftercare"),))

# Sections each kind of partner needs to do its part, and no more.
S = Section
SHELTER_SECTIONS = (S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING)
ASSESSMENT_SECTIONS = (S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN)
CLINIC_SECTIONS = (S.IDENTITY, S.MEDICAL)
POLICE_SECTIONS = (S.IDENTITY, S.INVESTIGATION)
AFTERCARE_SECTIONS = (S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING)
LEGAL_SECTIONS = (S.IDENTITY, S.LEGAL)
LANGUAGE_PARTNER_SECTIONS = (S.IDENTITY, S.CARE_PLAN, S.COUNSELLING)


@dataclass
class DemoWorld:
    agencies: dict[str, Agency]
    users: dict[str, User]
    cases: list[Case] = field(default_factory=list)


# The agencies' names in Khmer and Vietnamese (fictional, as the agencies are).
LOCAL_NAMES = {
    "AHTJP": (
        "នាយកដ្ឋានប្រឆាំងការជួញដូរមនុស្ស និងការពារអនីតិជន ភ្នំពេញ",
        "Cảnh sát Chống buôn người và Bảo vệ Vị thành niên Phnom Penh",
    ),
    "AHTSR": ("ការិយាល័យប្រឆាំងការជួញដូរមនុស្ស ខេត្តសៀមរាប", "Cảnh sát Chống buôn người tỉnh Siem Reap"),
    "DOSVY": (
        "មន្ទីរសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា រាជធានីភ្នំពេញ",
        "Sở Xã hội, Cựu chiến binh và Phục hồi Thanh niên Phnom Penh",
    ),
    "JPC": ("ដៃគូយុត្តិធម៌កម្ពុជា", "Đối tác Công lý Campuchia"),
    "HAC": ("មណ្ឌលវាយតម្លៃក្តីសង្ឃឹម កណ្តាល", "Trung tâm Đánh giá Hy vọng Kandal"),
    "SHS": ("ផ្ទះស្នាក់នៅរំដួល", "Nhà tạm lánh Rumdoul"),
    "MCL": ("គ្លីនិកសុខភាពគ្រួសារទន្លេ", "Phòng khám Sức khỏe Gia đình Tonle"),
    "LLA": ("ជំនួយផ្លូវច្បាប់ចង្កៀង", "Trợ giúp Pháp lý Đèn Lồng"),
}


# What the partners offer survivors and the languages their staff speak (the partner directory).
SERVICES = {
    "JPC": (["counselling", "legal_aid", "family_tracing", "reintegration"], ["khm", "eng"]),
    "DOSVY": (["family_tracing", "reintegration"], ["khm"]),
    "HAC": (["assessment", "counselling", "medical"], ["khm"]),
    "SHS": (["shelter", "counselling", "education", "vocational", "literacy"], ["khm", "eng"]),
    "MCL": (["medical"], ["khm", "eng"]),
    "CNS": (["assessment", "shelter", "counselling", "reintegration"], ["khm", "vie"]),
    "LLA": (["legal_aid"], ["khm", "vie"]),
}


# Whom the partners with places take, how many, and their office contacts (fictional numbers).
ELIGIBILITY: dict[str, dict[str, object]] = {
    "HAC": {"min_age": 0, "max_age": 17, "sexes": ["Feminine"], "capacity": 20, "phone": "+85523000101"},
    "SHS": {"min_age": 12, "max_age": 24, "sexes": ["Feminine"], "capacity": 30, "phone": "+85523000102"},
    "CNS": {"nationalities": ["VN", "KH"], "capacity": 12, "phone": "+85523000103", "special_needs": ["pregnancy"]},
    "MCL": {"phone": "+85523000104", "special_needs": ["mental_health"]},
}


def create_agencies() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency = Agency.objects.create(
            code=spec.code,
            name=spec.name,
            name_km=LOCAL_NAMES.get(spec.code, ("", ""))[0],
            name_vi=LOCAL_NAMES.get(spec.code, ("", ""))[1],
            org_type=spec.org_type,
            province=spec.province,
            is_platform=spec.platform,
            services=SERVICES.get(spec.code, ([], []))[0],
            staff_languages=SERVICES.get(spec.code, ([], []))[1],
            **ELIGIBILITY.get(spec.code, {}),  # type: ignore[arg-type]
        )
        for team in spec.teams:
            Team.objects.create(agency=agency, name=team)
        agencies[spec.code] = agency
    return agencies


def create_accounts(agencies: dict[str, Agency]) -> dict[str, User]:
    # Hashing once: the password hasher is deliberately slow and every account shares the password.
    password = make_password(DEMO_PASSWORD)
    admin_permissions = list(
        Permission.objects.filter(content_type__app_label__in=["agencies", "accounts"])
        | Permission.objects.filter(content_type__app_label="crisis", content_type__model="placementrule")
    )
    users: dict[str, User] = {}
    for spec in [*ACCOUNTS, PENDING]:
        first, last = STAFF_NAMES[spec.staff_key]
        administrator = any(role == Role.ADMINISTRATOR for _, role, _ in spec.memberships)
        user = User.objects.create(
            username=spec.username,
            password=password,
            first_name=first,
            last_name=last,
            email=f"{spec.username}@example.org",
            # Administrators use /admin/ for agencies and accounts only; never superusers, who
            # would bypass the separation of duties.
            is_staff=administrator,
        )
        if administrator:
            user.user_permissions.set(admin_permissions)
        for code, role, team_name in spec.memberships:
            team = Team.objects.get(agency=agencies[code], name=team_name) if team_name else None
            # Demo memberships are in force from the start, as if their privacy officer had approved
            # them; the pending one waits for privacy.malis.
            Membership.objects.create(
                user=user,
                agency=agencies[code],
                role=role,
                team=team,
                approved_at=None if spec is PENDING else timezone.now(),
                changed_by=users.get("admin.rith"),
                changed_at=timezone.now(),
            )
        TOTP.activate(user, DEMO_TOTP_SECRET)
        users[spec.username] = user
    return users


def load(
    *, cases: int, seed: int, progress: Callable[[int], None] | None = None, today: datetime.date | None = None
) -> DemoWorld:
    """Create the whole demo world. Call inside one transaction: a failure leaves nothing."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    agencies = create_agencies()
    users = create_accounts(agencies)
    world = DemoWorld(agencies=agencies, users=users)
    maker = _CaseMaker(rng, world, today)
    # Open cases in date order so case numbers follow the calendar, as they do in real use.
    dates = sorted(today - datetime.timedelta(days=rng.randint(0, 3 * 365)) for _ in range(cases))
    for index, opened_on in enumerate(dates, 1):
        world.cases.append(maker.make(opened_on))
        if progress is not None:
            progress(index)
    _moments(world, today)
    create_studies(agencies, users)
    create_training(agencies, users)
    create_investigations(agencies, users, world.cases, today)
    create_crisis_care(agencies, users, world.cases)
    create_referrals(agencies, users, world.cases)
    create_care(agencies, users, world.cases)
    create_proceedings(agencies, users, world.cases)
    create_history(agencies, users, world.cases, today)
    _read_the_past()
    return world


def _read_the_past(kept: int = 5) -> None:
    """Three years of work leave hundreds of notifications; a real user has read all but the
    newest. Each account keeps its newest few unread."""
    from casebridge.notifications.models import Notification

    now = timezone.now()
    for recipient_id in set(Notification.objects.values_list("recipient_id", flat=True)):
        newest = Notification.objects.filter(recipient_id=recipient_id).order_by("-id").values_list("id", flat=True)
        unread = list(newest[:kept])
        Notification.objects.filter(recipient_id=recipient_id).exclude(id__in=unread).update(read_at=now)


def _moments(world: DemoWorld, today: datetime.date) -> None:
    """What the trust core does, shown once each: a shelter records that a survivor withdrew
    consent to share with it (its place ends, the case worker is told), and a police officer of
    another province uses emergency access (the privacy officer is told and reviews it)."""
    from casebridge.cases.actions import do_break_glass
    from casebridge.cases.models import TeamMember

    shelter = world.agencies["SHS"]
    place = (
        TeamMember.objects.filter(case__in=world.cases, agency=shelter, removed_at__isnull=True)
        .order_by("-case__opened_on")
        .first()
    )
    if place is not None:
        do_record_consent(
            place.case,
            actor=world.users["shelter.channary"],
            purpose=Purpose.SHARING,
            shared_with=shelter,
            decision=Decision.WITHDRAWN,
            given_by=GivenBy.SURVIVOR
            if (place.case.survivor.age_on(today) or 0) >= CONSENTS_ALONE
            else GivenBy.GUARDIAN,
            child_assent=None if (place.case.survivor.age_on(today) or 0) >= CONSENTS_ALONE else False,
            decided_on=today,
            language="khm",
            note=None,
        )
    led_by_jpc = [case for case in world.cases if case.lead_agency_id == world.agencies["JPC"].pk]
    if led_by_jpc:
        do_break_glass(
            led_by_jpc[-1].number,
            actor=world.users["police.sovann"],
            reason="A girl at the Siem Reap station gave this case number; checking who she is before the night.",
        )
    _contact_request(world, led_by_jpc)


def _contact_request(world: DemoWorld, led_by_jpc: list[Case]) -> None:
    """A government social worker registering a girl finds a record may exist elsewhere and
    asks its agency to contact her: the request waits for JPC's case staff."""
    from casebridge.cases.actions import do_request_contact
    from casebridge.people.actions import matches_elsewhere

    asker = world.users["govsw.sokun"]
    for case in reversed(led_by_jpc):
        child = case.survivor
        identity = {
            f: getattr(child, f) for f in ("family_name", "given_name", "family_name_latin", "given_name_latin")
        }
        identity.update(estimated_age=child.age_now(), gender=child.gender, aliases=None, birth_date=None)
        if case in (matches_elsewhere(asker, identity) or []):
            do_request_contact(
                actor=asker,
                agency=world.agencies["DOSVY"],
                identity=identity,
                reason="A girl brought to the provincial office today says a shelter in Phnom Penh cared for her.",
            )
            return


class _CaseMaker:
    """Makes one case the way the teams would: open, record consents, share with partners who
    have consent, write notes in the sections each author reaches, and close some old cases."""

    def __init__(self, rng: random.Random, world: DemoWorld, today: datetime.date) -> None:
        self.rng = rng
        self.a = world.agencies
        self.u = world.users
        self.today = today
        self.now = timezone.now()

    def make(self, opened_on: datetime.date) -> Case:
        rng, a, u = self.rng, self.a, self.u
        # The handover the seeds describe: the provincial social-affairs office leads more of the
        # new cases each year (the indicators' "cases led by government agencies").
        recent = 1 - min(1.0, (self.today - opened_on).days / (3 * 365))
        lead, owner = fake.weighted(
            rng,
            [
                (("JPC", "aftercare.sophea"), 50),
                (("JPC", "aftercare.kanha"), 25),
                (("DOSVY", "govsw.sokun"), round(5 + 40 * recent)),
                (("AHTJP", "police.dara"), 10),
            ],
        )
        person = fake.survivor(rng, opened_on)
        identity = clean_identity(person.identity, today=self.today)
        province = "KH-12" if lead != "JPC" else fake.case_province(rng)
        case = do_open_case(actor=u[owner], agency=a[lead], identity=identity, province=province, opened_on=opened_on)
        language = person.language
        self._consent(case, owner, Purpose.SERVICES, opened_on, language)

        plan: list[tuple[str, tuple[Section, ...], float]] = []
        if lead == "JPC":
            plan = [
                ("SHS", SHELTER_SECTIONS, 0.6),
                ("HAC", ASSESSMENT_SECTIONS, 0.25),
                ("MCL", CLINIC_SECTIONS, 0.55),
                ("police.dara", POLICE_SECTIONS, 0.4),
                ("LLA", LEGAL_SECTIONS, 0.1),
            ]
            if person.nationality == "VN":
                plan.append(("CNS", LANGUAGE_PARTNER_SECTIONS, 0.8))
        elif lead == "DOSVY":
            plan = [
                ("JPC", AFTERCARE_SECTIONS, 0.5),
                (rng.choice(["SHS", "HAC"]), SHELTER_SECTIONS, 0.7),
                ("MCL", CLINIC_SECTIONS, 0.3),
            ]
        else:
            plan = [("JPC", AFTERCARE_SECTIONS, 0.8), ("DOSVY", ASSESSMENT_SECTIONS, 0.5)]
        shared: set[str] = set()
        for target, sections, chance in plan:
            if rng.random() >= chance:
                continue
            if self._share(case, owner, target, sections, opened_on, language):
                shared.add(target)

        if rng.random() < 0.4:
            # The survivor's choice about testifying, recorded either way; nothing follows a refusal.
            decision = Decision.GIVEN if rng.random() < 0.6 else Decision.REFUSED
            self._consent(case, owner, Purpose.TESTIMONY, opened_on, language, decision=decision)

        self._notes(case, owner, lead, shared, opened_on)
        self._people_around(case, owner, person.identity, opened_on)
        return self._maybe_close(case, owner, person.nationality, opened_on)

    def _people_around(self, case: Case, owner: str, child: dict[str, object], opened_on: datetime.date) -> None:
        """A guardian on some cases (the child's family name), a witness on a few; and now and
        then the case worker corrects a note, so its history shows."""
        rng = self.rng
        for role, chance in ((ParticipantRole.GUARDIAN, 0.35), (ParticipantRole.WITNESS, 0.1)):
            if rng.random() >= chance:
                continue
            other = fake.survivor(rng, opened_on).identity
            names = {f: other.get(f) for f in ("given_name", "given_name_latin")}
            if role == ParticipantRole.GUARDIAN:
                names |= {f: child.get(f) for f in ("family_name", "family_name_latin")}
            else:
                names |= {f: other.get(f) for f in ("family_name", "family_name_latin")}
            do_add_participant(case, actor=self.u[owner], role=role, identity=clean_identity(names, today=self.today))
        # (Chosen by the case number, not the random stream, so the rest of the demo stays as it was.)
        if int(case.number[-6:]) % 30 == 7 and child.get("given_name_latin"):
            # A Latin spelling corrected after intake (the family said how they write it).
            name = str(child["given_name_latin"])
            do_correct_identity(case, actor=self.u[owner], changes={"given_name_latin": name + "h"})
        if rng.random() < 0.1:
            note = case.timeline.filter(kind="note", actor=self.u[owner]).order_by("occurred_at").first()
            if note is not None:
                do_correct_note(
                    note, actor=self.u[owner], body=f"{note.body} (Corrected: the date was the day before.)"
                )

    # --- consent and sharing ------------------------------------------------------------------
    def _decided_on(self, opened_on: datetime.date) -> datetime.date:
        return min(opened_on + datetime.timedelta(days=self.rng.randint(0, 2)), self.today)

    def _consent(
        self,
        case: Case,
        actor: str,
        purpose: str,
        opened_on: datetime.date,
        language: str,
        *,
        decision: str = Decision.GIVEN,
        shared_with: Agency | None = None,
    ) -> None:
        decided_on = self._decided_on(opened_on)
        age = case.survivor.age_on(decided_on)
        # Under 15 a guardian decides with the child's assent; from 15 a child may decide alone
        # (often still with a guardian); adults always decide for themselves.
        if age is not None and age >= ADULT:
            given_by, assent = GivenBy.SURVIVOR, None
        elif (age is None or age < CONSENTS_ALONE) or self.rng.random() < 0.7:
            given_by, assent = GivenBy.GUARDIAN, True
        else:
            given_by, assent = GivenBy.SURVIVOR, None
        do_record_consent(
            case,
            actor=self.u[actor],
            purpose=purpose,
            decision=decision,
            given_by=given_by,
            child_assent=assent,
            decided_on=decided_on,
            language=language,
            shared_with=shared_with,
        )

    def _share(
        self,
        case: Case,
        actor: str,
        target: str,
        sections: tuple[Section, ...],
        opened_on: datetime.date,
        language: str,
    ) -> bool:
        """Record consent to share with the target's agency, then add it to the team. A few
        survivors refuse to have police told; then the police are not added."""
        user = self.u.get(target)
        agency = user.primary_membership().agency if user else self.a[target]  # type: ignore[union-attr]
        refuses = target.startswith("police.") and self.rng.random() < 0.15
        decision = Decision.REFUSED if refuses else Decision.GIVEN
        self._consent(case, actor, Purpose.SHARING, opened_on, language, decision=decision, shared_with=agency)
        if refuses:
            return False
        if user is not None:
            do_add_team_member(case, actor=self.u[actor], user=user, sections=sections)
        else:
            do_add_team_member(case, actor=self.u[actor], agency=agency, sections=sections)
        return True

    # --- notes and closure --------------------------------------------------------------------
    def _at(self, opened_on: datetime.date, days: int) -> datetime.datetime:
        day = opened_on + datetime.timedelta(days=days)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(self.rng.randint(7, 20))))
        return min(moment, self.now)

    def _note(self, case: Case, author: str, section: str, opened_on: datetime.date, days: int) -> None:
        body = self.rng.choice(fake.NOTES[section])
        do_add_note(case, actor=self.u[author], section=section, body=body, occurred_at=self._at(opened_on, days))

    def _notes(self, case: Case, owner: str, lead: str, shared: set[str], opened_on: datetime.date) -> None:
        rng = self.rng
        if lead == "AHTJP":
            self._note(case, owner, S.INVESTIGATION, opened_on, 0)
        else:
            self._note(case, owner, S.CRISIS_CARE, opened_on, 0)
            for day in sorted(rng.sample(range(2, 60), rng.randint(0, 2))):
                self._note(case, owner, rng.choice([S.CARE_PLAN, S.CRISIS_CARE]), opened_on, day)
        if lead == "JPC" and rng.random() < 0.3:
            self._note(case, "aftercare.sophea", S.COUNSELLING, opened_on, rng.randint(3, 30))
        if "SHS" in shared and rng.random() < 0.7:
            author = rng.choice(["shelter.channary", "caseworker.nary"])
            self._note(case, author, rng.choice([S.CRISIS_CARE, S.CARE_PLAN]), opened_on, rng.randint(1, 20))
        if "HAC" in shared and rng.random() < 0.6:
            self._note(case, "assess.sreymom", S.CARE_PLAN, opened_on, rng.randint(1, 10))
        if "MCL" in shared:
            self._note(case, rng.choice(["nurse.bopha", "doctor.visal"]), S.MEDICAL, opened_on, rng.randint(1, 5))
        if lead != "JPC" and "JPC" in shared:
            self._note(case, "aftercare.sophea", S.CRISIS_CARE, opened_on, rng.randint(0, 2))
        if "police.dara" in shared and rng.random() < 0.6:
            self._note(case, "police.dara", S.INVESTIGATION, opened_on, rng.randint(0, 3))
        if "CNS" in shared:
            self._note(case, "partner.hong", S.CARE_PLAN, opened_on, rng.randint(1, 14))
        if lead == "JPC" and rng.random() < 0.25:
            self._note(case, "lawyer.vannak", S.LEGAL, opened_on, rng.randint(10, 90))
        if "LLA" in shared:
            self._note(case, "lawyer.ratha", S.LEGAL, opened_on, rng.randint(10, 90))

    def _maybe_close(self, case: Case, owner: str, nationality: str, opened_on: datetime.date) -> Case:
        age_days = (self.today - opened_on).days
        if age_days < 120:
            return case
        roll = self.rng.random()
        actor = self.u[owner]
        if roll < 0.45:
            reasons = [(ClosureReason.REINTEGRATED, 60), (ClosureReason.DECLINED, 10), (ClosureReason.LOST_CONTACT, 10)]
            if nationality != "KH":
                reasons.append((ClosureReason.REPATRIATED, 40))
            return do_update_case(
                case, actor=actor, status=CaseStatus.CLOSED, closure_reason=fake.weighted(self.rng, reasons)
            )
        if roll < 0.5:
            return do_update_case(
                case, actor=actor, status=CaseStatus.CLOSED_REFERRED, closure_reason=ClosureReason.REFERRED
            )
        if roll < 0.7:
            return do_update_case(case, actor=actor, status=CaseStatus.FOLLOW_UP)
        return case
