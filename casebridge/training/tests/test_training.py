"""Training records through the pages and the API: who reaches them, participants one by one and
from a spreadsheet, attendance and scores, the figures, certificates, bad input and the audit."""

from __future__ import annotations

import datetime
import io
import re
import uuid
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.lib.errors import NotAllowed
from casebridge.training import actions
from casebridge.training.models import Participant, TrainingEvent

START = datetime.date(2016, 5, 10)


def api(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def web(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def make_event(world, topics=("working_across_agencies", "victim_identification"), title="Working together"):  # type: ignore[no-untyped-def]
    return actions.do_create_event(
        actor=world.trainer,
        agency=world.agencies["JPC"],
        title=title,
        kind="workshop",
        starts_on=START,
        ends_on=START + datetime.timedelta(days=2),
        place="Phnom Penh",
        facilitators="Lina, Dara",
        topics=topics,
    )


def people(world, event, rows):  # type: ignore[no-untyped-def]
    return actions.do_add_participants(
        event,
        actor=world.trainer,
        rows=[
            actions.ParticipantData(
                name=n,
                sex=s,
                role=r,
                agency=world.agencies.get(a),
                organisation="" if a else a or "Kandal police",
                attended=True,
                pre_score=pre,
                post_score=post,
            )
            for n, s, r, a, pre, post in rows
        ],
    )


def xlsx(rows):  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_event_with_participants_and_scores_through_the_api(world):
    trainer = api(world.trainer)
    made = trainer.post(
        "/api/v1/training/events/",
        {
            "agency": "JPC",
            "title": "Trauma-informed interviewing",
            "kind": "course",
            "starts_on": "2016-03-01",
            "ends_on": "2016-03-03",
            "place": "Siem Reap",
            "facilitators": "Lina",
            "topics": ["trauma_informed_interviewing"],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    base = f"/api/v1/training/events/{made.json()['id']}/"
    ids = []
    for name, role, score in (("Chea Dara", "police", "40"), ("Lim Sothea", "prosecutor", "55.5")):
        added = trainer.post(
            f"{base}participants/",
            {"name": name, "sex": "male", "role": role, "organisation": "Siem Reap court", "pre_score": score},
            format="json",
        )
        assert added.status_code == 201, added.json()
        ids.append(added.json()["id"])
    patched = trainer.patch(
        f"{base}participants/{ids[0]}/", {"attended": True, "pre_score": "40", "post_score": "72.5"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["post_score"] == "72.5"
    detail = api(world.manager).get(base).json()
    assert [p["name"] for p in detail["participants"]] == ["Chea Dara", "Lim Sothea"]
    figures = api(world.manager).get("/api/v1/training/figures/").json()
    assert figures["trained"] == 1  # the prosecutor has not been marked as attending
    assert figures["scores"] == {"tested": 1, "mean_before": 40.0, "mean_after": 72.5, "mean_change": 32.5}
    assert figures["by_topic"][0]["topic"] == "trauma_informed_interviewing"
    assert (
        api(world.manager)
        .post(
            f"{base}participants/", {"name": "X", "sex": "male", "role": "police", "organisation": "Y"}, format="json"
        )
        .status_code
        == 403
    )


def test_the_figures_count_by_agency_role_topic_and_sex(world):
    workshop = make_event(world)
    course = make_event(world, topics=("victim_identification",), title="Identification")
    people(
        world,
        workshop,
        [
            ("A", "female", "police", "AHTJP", 50, 70),
            ("B", "male", "social_worker", "DOSVY", 60, 65),
            ("C", "female", "ngo_staff", "JPC", None, 80),
        ],
    )
    people(world, course, [("D", "female", "police", "AHTJP", 30, 60)])
    actions.do_add_participants(
        course,
        actor=world.trainer,
        rows=[actions.ParticipantData(name="E", sex="male", role="police", organisation="Kandal police")],
    )
    result = api(world.trainer).get("/api/v1/training/figures/").json()
    assert result["trained"] == 4 and result["events"] == 2
    assert {r["role"]: r["trained"] for r in result["by_role"]} == {"police": 2, "social_worker": 1, "ngo_staff": 1}
    assert {r["sex"]: r["trained"] for r in result["by_sex"]} == {"female": 3, "male": 1}
    assert {r["agency"]: r["trained"] for r in result["by_agency"]} == {"AHTJP": 2, "DOSVY": 1, "JPC": 1}
    topics = {r["topic"]: r for r in result["by_topic"]}
    assert topics["victim_identification"]["trained"] == 4 and topics["working_across_agencies"]["trained"] == 3
    assert topics["victim_identification"]["tested"] == 3
    assert topics["victim_identification"]["mean_before"] == pytest.approx(round((50 + 60 + 30) / 3, 1))
    assert topics["victim_identification"]["mean_change"] == pytest.approx(
        round((70 + 65 + 60) / 3, 1) - round((50 + 60 + 30) / 3, 1)
    )
    period = api(world.trainer).get("/api/v1/training/figures/?starts=2017-01-01").json()
    assert period["trained"] == 0 and period["by_topic"] == [] and "message" in period
    assert api(world.trainer).get("/api/v1/training/figures/?starts=2017-01-01&ends=2016-01-01").status_code == 400


def test_an_agency_code_no_agency_can_have_is_refused_before_any_query(world):
    for code in ("JP\u0000C", "X" * 50, 5):
        answer = api(world.trainer).post(
            "/api/v1/training/events/",
            {
                "agency": code,
                "title": "T",
                "kind": "course",
                "starts_on": "2016-01-01",
                "ends_on": "2016-01-01",
                "place": "P",
                "facilitators": "F",
                "topics": ["law"],
            },
            format="json",
        )
        assert answer.status_code == 400 and "agency" in answer.json()["errors"]


def test_outsiders_get_404_and_readers_cannot_write(world):
    event = make_event(world)
    (someone,) = people(world, event, [("A", "female", "police", "AHTJP", 50, 70)])
    pages = [
        reverse("training:list"),
        reverse("training:new"),
        reverse("training:detail", args=[event.pk]),
        reverse("training:import", args=[event.pk]),
        reverse("training:certificate", args=[event.pk, someone.pk]),
    ]
    posts = [reverse(f"training:{n}", args=[event.pk]) for n in ("participant_add", "import", "scores")]
    base = f"/api/v1/training/events/{event.pk}/"
    for user in (world.outsider, world.social_worker, world.police, world.privacy_officer, world.admin):
        client = web(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {}).status_code == 404, (user, url)
        caller = api(user)
        for url in (base, f"{base}participants/", "/api/v1/training/figures/"):
            assert caller.get(url).status_code == 404, (user, url)
        assert caller.patch(f"{base}participants/{someone.pk}/", {}, format="json").status_code == 404
        assert caller.get("/api/v1/training/events/").json()["results"] == []
    reader = web(world.manager)
    assert reader.get(reverse("training:detail", args=[event.pk])).status_code == 200
    assert reader.get(reverse("training:new")).status_code == 404
    assert reader.post(reverse("training:scores", args=[event.pk]), {f"pre-{someone.pk}": "10"}).status_code == 403
    assert reader.get(reverse("training:import", args=[event.pk])).status_code == 403
    someone.refresh_from_db()
    assert someone.pre_score == Decimal("50.0")


def test_a_spreadsheet_adds_everyone_or_nobody(world):
    event = make_event(world)
    client = web(world.trainer)
    template = client.get(reverse("training:import", args=[event.pk]))
    assert template.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]
    rows = [
        header,
        ["Sok Dara", "male", "Police officer", "AHTJP", "", "yes", 45, 70],
        ["ស្រី ពៅ", "ស្រី", "ngo_staff", "", "Kandal NGO", "no", "", ""],
    ]
    bad = [*rows, ["Third", "unknown-sex", "police", "", "", "maybe", 120, ""]]
    answer = client.post(
        reverse("training:import", args=[event.pk]),
        {"submission": str(uuid.uuid4()), "file": SimpleUploadedFile("list.xlsx", xlsx(bad))},
    )
    body = answer.content.decode()
    assert answer.status_code == 400 and "Row 4" in body and "0 to 100" in body and "yes or no" in body
    assert not Participant.objects.exists()
    answer = client.post(
        reverse("training:import", args=[event.pk]),
        {"submission": str(uuid.uuid4()), "file": SimpleUploadedFile("list.xlsx", xlsx(rows))},
    )
    assert answer.status_code == 302
    added = list(Participant.objects.filter(event=event))
    assert [(p.name, p.sex, p.role, p.attended) for p in added] == [
        ("Sok Dara", "male", "police", True),
        ("ស្រី ពៅ", "female", "ngo_staff", False),
    ]
    assert added[0].agency == world.agencies["AHTJP"] and added[1].organisation == "Kandal NGO"
    junk = client.post(
        reverse("training:import", args=[event.pk]),
        {"submission": str(uuid.uuid4()), "file": SimpleUploadedFile("list.xlsx", b"not a spreadsheet")},
    )
    assert junk.status_code == 400 and "not an .xlsx spreadsheet" in junk.content.decode()
    no_header = client.post(
        reverse("training:import", args=[event.pk]),
        {"submission": str(uuid.uuid4()), "file": SimpleUploadedFile("l.xlsx", xlsx([["a", "b"]]))},
    )
    assert no_header.status_code == 400 and "missing: Name, Sex, Role" in no_header.content.decode()
    assert Participant.objects.count() == 2


def _scores(first, second, **typed):  # type: ignore[no-untyped-def]
    """A scores form as the event page sends it, both rows shown blank."""
    data = {f"shown-{p.pk}": "0||" for p in (first, second)}
    data.update(typed)
    return data


def test_scores_are_all_saved_or_none(world):
    event = make_event(world)
    first, second = people(
        world, event, [("A", "female", "police", "AHTJP", None, None), ("B", "male", "police", "AHTJP", None, None)]
    )
    Participant.objects.update(attended=False)
    client = web(world.trainer)
    url = reverse("training:scores", args=[event.pk])
    bad = _scores(
        first,
        second,
        **{f"attended-{first.pk}": "on", f"pre-{first.pk}": "50", f"post-{first.pk}": "80", f"pre-{second.pk}": "101"},
    )
    answer = client.post(url, bad)
    body = answer.content.decode()
    assert answer.status_code == 400 and "Participant 2" in body
    assert 'value="80"' in body and 'value="101"' in body  # what was typed is not lost
    first.refresh_from_db()
    assert first.pre_score is None
    for rounded in ("80.55", "1,000", "1_0"):
        assert client.post(url, _scores(first, second, **{f"pre-{first.pk}": rounded})).status_code == 400
    good = _scores(first, second, **{f"attended-{first.pk}": "on", f"pre-{first.pk}": "50", f"post-{first.pk}": "80,5"})
    assert client.post(url, good).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended, first.pre_score, first.post_score) == (True, Decimal("50.0"), Decimal("80.5"))
    assert second.attended is False


def test_two_trainers_saving_scores_do_not_undo_each_other(world):
    event = make_event(world)
    first, second = people(
        world, event, [("A", "female", "police", "AHTJP", None, None), ("B", "male", "police", "AHTJP", None, None)]
    )
    Participant.objects.update(attended=False)
    client = web(world.trainer)
    url = reverse("training:scores", args=[event.pk])
    # Both pages were opened with both rows blank; the first saves B, the second then saves A.
    assert client.post(url, _scores(first, second, **{f"pre-{second.pk}": "40"})).status_code == 302
    assert client.post(url, _scores(first, second, **{f"pre-{first.pk}": "55"})).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.pre_score, second.pre_score) == (Decimal("55.0"), Decimal("40.0"))
    # A row changed meanwhile and typed over on a stale page is refused, not overwritten.
    stale = _scores(first, second, **{f"pre-{second.pk}": "99"})
    answer = client.post(url, stale)
    assert answer.status_code == 400 and "changed by someone else" in answer.content.decode()
    second.refresh_from_db()
    assert second.pre_score == Decimal("40.0")


def test_a_damaged_or_crafted_spreadsheet_is_refused_cleanly(world):
    import zipfile

    event = make_event(world)
    client = web(world.trainer)
    url = reverse("training:import", args=[event.pk])
    good = xlsx([["Name", "Sex", "Role", "Organisation"], ["A", "male", "police", "Kandal police"]])
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[: len(data) // 2] if info.filename.endswith("sheet1.xml") else data)
    answer = client.post(
        url, {"submission": str(uuid.uuid4()), "file": SimpleUploadedFile("l.xlsx", damaged.getvalue())}
    )
    assert answer.status_code == 400 and "not an .xlsx spreadsheet" in answer.content.decode()
    unknown = xlsx([["Name", "Sex", "Role", "Agency code"], ["A", "male", "police", "AHTJPP"]])
    answer = client.post(url, {"submission": str(uuid.uuid4()), "file": SimpleUploadedFile("l.xlsx", unknown)})
    assert answer.status_code == 400 and "No agency here has the code AHTJPP" in answer.content.decode()
    assert "Agency code:" in answer.content.decode()  # the row's error names the column
    token = str(uuid.uuid4())
    assert client.post(url, {"submission": token, "file": SimpleUploadedFile("l.xlsx", good)}).status_code == 302
    assert client.post(url, {"submission": token, "file": SimpleUploadedFile("l.xlsx", good)}).status_code == 409
    assert Participant.objects.count() == 1  # the same list sent twice is added once


def test_a_participant_entered_by_mistake_is_removed(world):
    event = make_event(world)
    (mistake,) = people(world, event, [("Typo", "male", "police", "AHTJP", None, None)])
    assert (
        web(world.manager).post(reverse("training:participant_remove", args=[event.pk, mistake.pk])).status_code == 403
    )
    assert (
        web(world.trainer).post(reverse("training:participant_remove", args=[event.pk, mistake.pk])).status_code == 302
    )
    assert not Participant.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="training_participant", object_id=str(mistake.pk), reason="removed"
    ).exists()


def _objects(pdf: bytes) -> bytes:
    """A PDF's objects as text, its compressed streams opened: each stream is cut by its own
    /Length, not by searching for "endstream" (compressed bytes may contain that too)."""
    text = pdf
    for found in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", pdf):
        start = found.end()
        try:
            text += zlib.decompress(pdf[start : start + int(found.group(1))])
        except zlib.error:
            continue
    return text


def _fonts(pdf: bytes) -> set[str]:
    """The base font names a PDF embeds."""
    found = re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-_]+)", _objects(pdf))
    return {re.sub(r"^[A-Z]{6}\+", "", name.decode()) for name in found}


def test_a_certificate_in_khmer_and_english(world):
    event = make_event(world)
    (someone, absent) = people(
        world, event, [("ស៊ុន សុភា", "female", "police", "AHTJP", 50, 70), ("B", "male", "police", "AHTJP", None, None)]
    )
    absent.attended = False
    absent.save()
    client = web(world.manager)
    answer = client.get(reverse("training:certificate", args=[event.pk, someone.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    fonts = _fonts(answer.content)
    assert len(re.findall(rb"/Type\s*/Page\b", _objects(answer.content))) == 1  # one page
    assert "Khmer-OS" in fonts and any(f.startswith("Khmer-OS-Muol") for f in fonts), fonts  # Khmer fonts, not boxes
    assert AuditEvent.objects.filter(
        action="download", object_type="training_certificate", object_id=str(someone.pk)
    ).exists()
    assert client.get(reverse("training:certificate", args=[event.pk, absent.pk])).status_code == 400


def test_bad_input_is_refused_and_names_are_encrypted(world):
    with pytest.raises(ValidationError) as error:
        actions.do_create_event(
            actor=world.trainer,
            agency=world.agencies["JPC"],
            title=" ",
            kind="x",
            starts_on=START,
            ends_on=START - datetime.timedelta(days=1),
            place="",
            facilitators="",
            topics=[],
        )
    assert set(error.value.message_dict) == {"title", "kind", "ends_on", "place", "facilitators", "topics"}
    with pytest.raises(NotAllowed):
        make_event(world) if False else actions.do_create_event(
            actor=world.manager,
            agency=world.agencies["JPC"],
            title="T",
            kind="course",
            starts_on=START,
            ends_on=START,
            place="P",
            facilitators="F",
            topics=["law"],
        )
    event = make_event(world)
    with pytest.raises(ValidationError) as error:
        actions.do_add_participants(
            event,
            actor=world.trainer,
            rows=[actions.ParticipantData(name="A", sex="female", role="police", pre_score="abc")],
        )
    assert set(error.value.message_dict) == {"organisation", "pre_score"}
    people(world, event, [("Secret Name", "female", "police", "AHTJP", 1, 2)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM training_participant")
        assert "Secret" not in cursor.fetchone()[0]
    assert TrainingEvent.objects.count() == 1


def test_the_pages_for_the_trainer(world):
    client = web(world.trainer)
    answer = client.post(
        reverse("training:new"),
        {
            "submission": "2b9f0c3e-9a53-4ab9-9d6c-3d0f5f2a0c11",
            "agency": world.agencies["JPC"].pk,
            "title": "Evidence handling",
            "kind": "course",
            "starts_on": "2016-01-04",
            "ends_on": "2016-01-05",
            "place": "Phnom Penh",
            "facilitators": "Lina",
            "topics": ["evidence_handling"],
        },
    )
    event = TrainingEvent.objects.get(title="Evidence handling")
    assert answer.status_code == 302
    added = client.post(
        reverse("training:participant_add", args=[event.pk]),
        {
            "submission": "3b9f0c3e-9a53-4ab9-9d6c-3d0f5f2a0c11",
            "name": "Keo Rith",
            "sex": "male",
            "role": "prosecutor",
            "organisation": "Phnom Penh court",
            "attended": "on",
            "pre_score": "40",
            "post_score": "75",
        },
    )
    assert added.status_code == 302
    page = client.get(reverse("training:detail", args=[event.pk])).content.decode()
    assert "Keo Rith" in page and "1 official trained" in page
    listing = client.get(reverse("training:list")).content.decode()
    assert "Evidence handling" in listing and "+35.0" in listing
