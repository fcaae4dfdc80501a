"""Fictional crisis care: three girls at the police station right now, their duty roster with one
hour nobody covers and a stretch with nobody who speaks the Vietnamese girl's language; and a
girl whose crisis care ended with her placement; and one safeguard broken (a suspect walked
past her), reported at once. Written through the actions, by JPC's aftercare."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.models import Case
from casebridge.consents.actions import do_record_consent
from casebridge.crisis import actions
from casebridge.crisis.models import Episode

H = datetime.timedelta(hours=1)


def create_crisis_care(agencies: dict[str, Agency], users: dict[str, User], cases: list[Case]) -> list[Episode]:
    sophea, kanha = users["aftercare.sophea"], users["aftercare.kanha"]
    sophea.spoken_languages = ["khm", "eng"]
    kanha.spoken_languages = ["khm", "vie"]
    for person in (sophea, kanha):
        person.save(update_fields=["spoken_languages"])
    led = [c for c in cases if c.lead_agency_id == agencies["JPC"].pk and not c.is_closed]
    led.sort(key=lambda c: c.opened_on, reverse=True)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    episodes = []
    start = now - 20 * H
    for index, case in enumerate(led[:3]):
        vietnamese = index == 2
        episode = actions.do_open_episode(
            case,
            actor=sophea,
            place_kind="police_station",
            place="Anti-trafficking police station, Phnom Penh",
            starts_at=start,
            language="vie" if vietnamese else "khm",
            interpreter=vietnamese,
        )
        # Day and night in twelve-hour shifts; one hour left uncovered at dawn on the second day.
        for n, (person, hours) in enumerate(((sophea, 12), (kanha, 12), (sophea, 11), (kanha, 12))):
            begins = start + sum((12, 12, 12)[:n], 0) * H + (H if n == 3 else datetime.timedelta())
            actions.do_add_shift(
                episode, actor=sophea, staff=person, role="social_worker", starts_at=begins, ends_at=begins + hours * H
            )
        episodes.append(episode)
    if episodes:
        _care_records(episodes[0], sophea, kanha, start)
        actions.do_report_incident(
            episodes[0],
            actor=kanha,
            kind="suspect_contact",
            occurred_at=start + 3 * H,
            note="The police brought the man from the karaoke bar through the room where she waited; "
            "she was moved to the upstairs office at once and the station chief was told.",
        )
    for case in led[3:4]:
        began = now - 80 * H
        episode = actions.do_open_episode(
            case, actor=sophea, place_kind="police_station", place="Police station", starts_at=began
        )
        actions.do_add_shift(
            episode, actor=sophea, staff=sophea, role="supervisor", starts_at=began, ends_at=began + 50 * H
        )
        actions.do_assess(
            episode,
            actor=sophea,
            emotional="Frightened at first; calmer once she knew she was not under arrest.",
            immediate_needs="Sleep, clean clothes, a call to her aunt.",
        )
        # She agreed (with her guardian, if she is a child) that the centre may read what it needs.
        age = case.survivor.age_now()
        adult = age is not None and age >= 18
        do_record_consent(
            case,
            actor=sophea,
            purpose="sharing",
            shared_with=agencies["HAC"],
            decision="given",
            given_by="survivor" if adult else "guardian",
            child_assent=None if adult else True,
            decided_on=(began + 50 * H).date(),
            language="khm",
        )
        actions.do_close_episode(
            episode, actor=sophea, outcome="placed", agency=agencies["HAC"], placement="Room 3", ended_at=began + 52 * H
        )
        episodes.append(episode)
    return episodes


def _care_records(episode: Episode, sophea: User, kanha: User, start: datetime.datetime) -> None:
    """What the workers on shift recorded for the first girl: her needs (two versions), the care
    package, a police interview, and the decision not to tell her mother yet."""
    actions.do_assess(
        episode,
        actor=sophea,
        emotional="Crying, will not speak at first.",
        physical="Thin; a cut on her left hand.",
        immediate_needs="Food, water, a blanket; someone with her at night.",
    )
    actions.do_assess(
        episode,
        actor=kanha,
        emotional="Talks with the social worker; afraid the bar owner will find her.",
        physical="Cut cleaned; no fever.",
        safety_risks="Her mother took money from the bar owner.",
        family_risk=True,
        family_contact="Wants to call her older sister, not her mother.",
        immediate_needs="Sleep; clothes.",
    )
    for kind, quantity, hours in (("food", 3, 1), ("water", 4, 1), ("toiletries", 1, 2), ("clothes", 2, 9)):
        actions.do_hand_item(episode, actor=sophea, kind=kind, quantity=quantity, handed_at=start + hours * H)
    actions.do_record_interview(
        episode,
        actor=sophea,
        held_at=start + 6 * H,
        minutes=45,
        interviewer="Police investigator (AHTJP)",
        present="Aftercare social worker; a female police officer",
        female_officer=True,
    )
    actions.do_guardian_decision(
        episode,
        actor=sophea,
        decision="not_notified",
        reason="Her mother took money from the bar owner: her older sister will be contacted instead.",
    )
