"""The period report: asked for on the dashboard, made by the background worker with its
progress saved, downloaded as PDF (Khmer fonts embedded) and XLSX, the requester's own only."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from casebridge.audit.models import AuditEvent
from casebridge.indicators.models import Report
from casebridge.indicators.tests.test_indicators import _trained, api
from casebridge.lib.testing import run_ready_tasks
from casebridge.training.tests.test_training import _fonts


def _web(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_report_from_request_to_download(world):
    _trained(world, 14)
    _trained(world, 5, sex="male")
    client = _web(world.manager)
    asked = client.post(reverse("indicators:report_new"), {})
    report = Report.objects.get()
    assert asked.status_code == 302 and asked.url == reverse("indicators:report", args=[report.pk])
    waiting = client.get(asked.url).content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting
    assert client.get(reverse("indicators:report_file", args=[report.pk, "pdf"])).status_code == 404  # not yet
    assert run_ready_tasks() == 2  # the report, and the tallies' first count (asked by the reading)
    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100)
    pdf = client.get(reverse("indicators:report_file", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "Khmer-OS" in _fonts(pdf.content)
    sheet = client.get(reverse("indicators:report_file", args=[report.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(sheet.content))
    assert book.sheetnames == ["Indicators", "Series", "Definitions", "Small numbers"]
    rows = {r[1]: r for r in book["Indicators"].iter_rows(values_only=True)}
    assert rows["system.officials_trained"][3] == "19"
    assert rows["rescue.victims_identified"][4] == "No data yet."
    series = [r for r in book["Series"].iter_rows(values_only=True) if r[0] == "system.officials_trained"]
    assert ("system.officials_trained", "By sex, all years", "Male", "<11") in series
    assert AuditEvent.objects.filter(action="download", object_type="indicator_report").count() == 2


def test_a_report_is_its_requesters_own(world):
    from casebridge.agencies.models import Membership, Role
    from casebridge.lib.testing import make_user

    other, _ = make_user("other_manager", world.agencies["OTH"], Role.PROGRAMME_MANAGER)
    mine = api(world.manager).post("/api/v1/indicators/reports/", {}, format="json")
    assert mine.status_code == 202 and mine.json()["status"] == "queued" and mine.json()["pdf"] is None
    url = f"/api/v1/indicators/reports/{mine.json()['id']}/"
    assert api(other).get(url).status_code == 404
    assert api(world.manager).get(url).status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="indicator_report").count() == 1  # the owner's look
    refused = api(world.manager).post("/api/v1/indicators/reports/", ["year_from"], format="json")
    assert refused.status_code == 400 and Report.objects.count() == 1  # a body that is not an object: nothing made
    assert _web(other).get(reverse("indicators:report", args=[mine.json()["id"]])).status_code == 404
    for user in (world.outsider, world.social_worker, world.trainer):
        assert api(user).post("/api/v1/indicators/reports/", {}, format="json").status_code == 404
        assert _web(user).post(reverse("indicators:report_new")).status_code == 404
    run_ready_tasks()
    done = api(world.manager).get(url).json()
    assert done["status"] == "done" and done["pdf"].endswith("report.pdf")
    assert Membership.objects.filter(user=other).exists()


def test_bad_filters_and_too_many_waiting_are_refused(world):
    assert (
        api(world.manager).post("/api/v1/indicators/reports/", {"year_from": "1800"}, format="json").status_code == 400
    )
    assert api(world.manager).post("/api/v1/indicators/reports/", {"colour": "red"}, format="json").status_code == 400
    for _ in range(3):
        assert api(world.manager).post("/api/v1/indicators/reports/", {}, format="json").status_code == 202
    assert api(world.manager).post("/api/v1/indicators/reports/", {}, format="json").status_code == 409
    assert Report.objects.count() == 3
