"""Found by an independent review of the legal compartment: a case is linked only through an
agency that works on it; counsel's reads are audited as their own agency's; every legal path is
404 for anyone but a lawyer; bad input writes nothing; keys, encryption and the timeline entry."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from casebridge.agencies.models import Membership, Role
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import TimelineEvent
from casebridge.legal.models import Charge, Counsel, Defendant, Proceeding, StageStep
from casebridge.lib.testing import make_user

J = "application/json"
URL = "/api/v1/legal/proceedings/"


def d(n=0):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def open_(world, client, **extra):
    body = {
        "agency": "JPC",
        "cases": [str(world.case.pk)],
        "opened_on": d(-30),
        "court": "PP",
        "police_file": "PF-SECRET-1",
        "prosecutor": "Prosecutor Secret",
        "court_reference": "CR-SECRET",
        "investigating_judge": "Judge Secret",
        **extra,
    }
    r = client.post(URL, body, content_type=J)
    assert r.status_code == 201, r.content
    return r.json()


def setup_two(world, login):
    c = login(world.lawyer)
    a = open_(world, c)
    b = open_(world, c)
    da = c.post(f"{URL}{a['id']}/defendants/", {"name": "Defendant Secret A"}, content_type=J).json()
    db_ = c.post(f"{URL}{b['id']}/defendants/", {"name": "Defendant B"}, content_type=J).json()
    ca = c.post(
        f"{URL}{a['id']}/charges/", {"defendant": da["id"], "article": "34", "filed_on": d(-5)}, content_type=J
    ).json()
    return a, b, da, db_, ca


PERSONAS = [
    "shelter_caseworker",
    "nurse",
    "social_worker",
    "police",
    "privacy_officer",
    "manager",
    "outsider",
    "admin",
    "gov_social_worker",
    "trainer",
    "ngo_investigator",
    "assessment_worker",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_404_everywhere(world, login, persona):
    a, _b, da, _db, ca = setup_two(world, login)
    pk = a["id"]
    c = login(world.users[persona])
    got = {
        "list": c.get(URL).status_code,
        "get": c.get(f"{URL}{pk}/").status_code,
        "defs": c.get(f"{URL}{pk}/defendants/").status_code,
        "charges": c.get(f"{URL}{pk}/charges/").status_code,
        "post_def": c.post(f"{URL}{pk}/defendants/", {"name": "x"}, content_type=J).status_code,
        "post_charge": c.post(
            f"{URL}{pk}/charges/", {"defendant": da["id"], "article": "34", "filed_on": d()}, content_type=J
        ).status_code,
        "charge": c.post(f"{URL}{pk}/charges/{ca['id']}/", {"dropped_on": d()}, content_type=J).status_code,
        "stage": c.post(f"{URL}{pk}/stage/", {"stage": "police", "on": d()}, content_type=J).status_code,
        "create": c.post(
            URL, {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": d()}, content_type=J
        ).status_code,
        "codes": c.get("/api/v1/legal/charge-codes/").status_code,
        "code": c.get("/api/v1/legal/charge-codes/34/").status_code,
        "page_list": c.get("/legal/").status_code,
        "page_new": c.get("/legal/new/").status_code,
        "page": c.get(f"/legal/{pk}/").status_code,
        "page_post": c.post(f"/legal/{pk}/stage/", {"stage-stage": "police", "stage-on": d()}).status_code,
        "page_def": c.post(
            f"/legal/{pk}/defendant/", {"defendant-name": "x", "defendant-submission": str(uuid.uuid4())}
        ).status_code,
    }
    bad = {k: v for k, v in got.items() if v != 404}
    assert not bad, bad
    assert Defendant.objects.count() == 2 and Charge.objects.get().dropped_on is None


def test_charge_codes_list_for_non_lawyer(world, login):
    r = login(world.outsider).get("/api/v1/legal/charge-codes/")
    assert r.status_code == 404, (r.status_code, r.content[:200])


def test_counsel_reads_not_writes(world, login):
    a, b, da, _db, ca = setup_two(world, login)
    other, _ = make_user("oth_lawyer", world.agencies["OTH"], Role.LAWYER)
    Counsel.objects.create(proceeding_id=a["id"], user=other, granted_by=world.lawyer)
    c = login(other)
    assert c.get(f"{URL}{a['id']}/").status_code == 200
    assert c.get(f"{URL}{b['id']}/").status_code == 404
    ids = [p["id"] for p in c.get(URL).json()["results"]]
    assert ids == [a["id"]]
    before = (Defendant.objects.count(), Charge.objects.count(), StageStep.objects.count())
    w = {
        "def": c.post(f"{URL}{a['id']}/defendants/", {"name": "x"}, content_type=J).status_code,
        "charge": c.post(
            f"{URL}{a['id']}/charges/", {"defendant": da["id"], "article": "34", "filed_on": d()}, content_type=J
        ).status_code,
        "chg": c.post(f"{URL}{a['id']}/charges/{ca['id']}/", {"dropped_on": d()}, content_type=J).status_code,
        "stage": c.post(f"{URL}{a['id']}/stage/", {"stage": "police", "on": d()}, content_type=J).status_code,
        "close": c.post(f"{URL}{a['id']}/stage/", {"closed_as": "settled", "on": d()}, content_type=J).status_code,
        "pdef": c.post(
            f"/legal/{a['id']}/defendant/", {"defendant-name": "x", "defendant-submission": str(uuid.uuid4())}
        ).status_code,
        "pstage": c.post(f"/legal/{a['id']}/stage/", {"stage-stage": "police", "stage-on": d()}).status_code,
    }
    print(w)
    assert before == (Defendant.objects.count(), Charge.objects.count(), StageStep.objects.count())
    assert Charge.objects.get().dropped_on is None and Proceeding.objects.get(pk=a["id"]).stage == "complaint"
    assert all(v in (403, 404, 409) for v in w.values()), w
    page = c.get(f"/legal/{a['id']}/").content.decode()
    assert "Add a defendant" not in page
    # revoked
    Counsel.objects.update(revoked_at=timezone.now())
    assert login(other).get(f"{URL}{a['id']}/").status_code == 404


def test_counsel_audit_agency(world, login):
    a, *_ = setup_two(world, login)
    other, _ = make_user("oth_lawyer", world.agencies["OTH"], Role.LAWYER)
    Counsel.objects.create(proceeding_id=a["id"], user=other, granted_by=world.lawyer)
    login(other).get(f"{URL}{a['id']}/")
    ev = AuditEvent.objects.filter(actor=other, object_type="legal_proceeding", action="view").get()
    assert ev.agency_id == world.agencies["OTH"].pk, ("audited as acting for", ev.agency_id, world.agencies["JPC"].pk)


def test_idor(world, login):
    _a, b, da, _db, ca = setup_two(world, login)
    c = login(world.lawyer)
    r1 = c.post(f"{URL}{b['id']}/charges/{ca['id']}/", {"dropped_on": d()}, content_type=J)
    r2 = c.post(f"{URL}{b['id']}/charges/", {"defendant": da["id"], "article": "34", "filed_on": d()}, content_type=J)
    assert r1.status_code == 404 and r2.status_code == 400
    assert Charge.objects.count() == 1 and Charge.objects.get().dropped_on is None


def test_bad_input(world, login):
    a, _b, da, _db, ca = setup_two(world, login)
    c = login(world.lawyer)
    pk = a["id"]
    for body in (
        {"dropped_on": d(1)},
        {"amended_on": d(1), "note": "x"},
        {"dropped_on": d(-10)},
        {"amended_on": d(-1)},
    ):
        r = c.post(f"{URL}{pk}/charges/{ca['id']}/", body, content_type=J)
        assert r.status_code == 400, (body, r.status_code, r.content)
    assert Charge.objects.get().dropped_on is None and Charge.objects.get().amended_on is None
    r = c.post(f"{URL}{pk}/charges/", {"defendant": da["id"], "article": "99", "filed_on": d()}, content_type=J)
    assert r.status_code == 400
    r = c.post(f"{URL}{pk}/charges/", {"defendant": da["id"], "article": "34", "filed_on": d(1)}, content_type=J)
    assert r.status_code == 400
    r = c.post(f"{URL}{pk}/stage/", {"stage": "police", "on": d(1)}, content_type=J)
    assert r.status_code == 400
    r = c.post(f"{URL}{pk}/stage/", {"closed_as": "dismissed", "on": d()}, content_type=J)
    assert r.status_code == 400
    r = c.post(f"{URL}{pk}/stage/", {"closed_as": "settled", "on": d(1)}, content_type=J)
    assert r.status_code == 400
    r = c.post(f"{URL}{pk}/stage/", {"stage": "police", "closed_as": "settled", "on": d()}, content_type=J)
    assert r.status_code == 400
    assert StageStep.objects.filter(proceeding_id=pk).count() == 1
    r = c.post(URL, {"agency": "OTH", "cases": [str(world.case.pk)], "opened_on": d()}, content_type=J)
    assert r.status_code in (400, 403)
    assert Proceeding.objects.count() == 2


def test_idempotency(world, login):
    c = login(world.lawyer)
    body = {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": d(-3)}
    r1 = c.post(URL, body, content_type=J, HTTP_IDEMPOTENCY_KEY="k1")
    r2 = c.post(URL, body, content_type=J, HTTP_IDEMPOTENCY_KEY="k1")
    assert r1.status_code == 201 and r2.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    assert Proceeding.objects.count() == 1
    assert TimelineEvent.objects.filter(kind="proceeding_linked").count() == 1
    pk = r1.json()["id"]
    for _ in range(2):
        c.post(f"{URL}{pk}/defendants/", {"name": "x"}, content_type=J, HTTP_IDEMPOTENCY_KEY="k2")
    assert Defendant.objects.count() == 1
    df = Defendant.objects.get()
    for _ in range(2):
        c.post(
            f"{URL}{pk}/charges/",
            {"defendant": str(df.pk), "article": "34", "filed_on": d()},
            content_type=J,
            HTTP_IDEMPOTENCY_KEY="k3",
        )
    assert Charge.objects.count() == 1


def test_encrypted_at_rest(world, login):
    setup_two(world, login)
    with connection.cursor() as cur:
        cur.execute("select * from legal_proceeding")
        row = str(cur.fetchall())
        cur.execute("select name from legal_defendant")
        row += str(cur.fetchall())
    for secret in ("PF-SECRET-1", "Prosecutor Secret", "CR-SECRET", "Judge Secret", "Defendant Secret A"):
        assert secret not in row


@pytest.mark.parametrize(
    "persona", ["shelter_caseworker", "nurse", "social_worker", "police", "privacy_officer", "gov_social_worker"]
)
def test_timeline_reference_hidden(world, login, persona):
    a = open_(world, login(world.lawyer))
    c = login(world.users[persona])
    api = c.get(f"/api/v1/cases/{world.case.pk}/timeline/")
    page = c.get(f"/cases/{world.case.pk}/")
    assert a["reference"] not in api.content.decode() and a["reference"] not in page.content.decode()
    assert "proceeding_linked" not in api.content.decode() and "A proceeding exists" not in page.content.decode()


def test_timeline_shown_to_lawyer(world, login):
    a = open_(world, login(world.lawyer))
    c = login(world.lawyer)
    assert a["reference"] in c.get(f"/api/v1/cases/{world.case.pk}/timeline/").content.decode()
    ev = TimelineEvent.objects.get(kind="proceeding_linked")
    assert set(ev.data) == {"reference"} and ev.body in (None, "")


def test_second_membership_links_case(world, login):
    # OTH lawyer who is also aftercare social worker at JPC: reaches the case but not its legal section
    u, _ = make_user("dual", world.agencies["OTH"], Role.LAWYER)
    Membership.objects.create(
        user=u, agency=world.agencies["JPC"], role=Role.AFTERCARE_SOCIAL_WORKER, approved_at=timezone.now()
    )
    c = login(u)
    r = c.post(URL, {"agency": "OTH", "cases": [str(world.case.pk)], "opened_on": d()}, content_type=J)
    assert r.status_code in (400, 403), r.content
    assert not Proceeding.objects.exists()
    r = c.get("/legal/")
    assert r.status_code == 200


def test_lawyer_two_firms_leaks_case_to_other_firm(world, login):
    # JPC lawyer also a lawyer at OTH: opens an OTH-led proceeding on the JPC case
    Membership.objects.create(
        user=world.lawyer, agency=world.agencies["OTH"], role=Role.LAWYER, approved_at=timezone.now()
    )
    c = login(world.lawyer)
    r = c.post(URL, {"agency": "OTH", "cases": [str(world.case.pk)], "opened_on": d()}, content_type=J)
    print("two-firm open:", r.status_code)
    colleague, _ = make_user("oth_colleague", world.agencies["OTH"], Role.LAWYER)
    c = login(colleague)
    assert c.get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    got = c.get(URL).content.decode()
    assert world.case.number not in got, "OTH colleague learns JPC case number + victim status"


def _d(n=0):  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_pages_bad_input_and_audit(world, login):
    c = login(world.lawyer)
    pk = c.post(
        "/api/v1/legal/proceedings/",
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": _d(-3)},
        content_type="application/json",
    ).json()["id"]
    page = f"/legal/{pk}/"
    assert c.post(f"{page}close/", {"close-closed_as": "convicted", "close-on": _d()}).status_code == 400
    assert c.post(f"{page}stage/", {"stage-stage": "verdict", "stage-on": _d()}).status_code == 400
    assert c.post(f"{page}stage/", {"stage-stage": "police", "stage-on": _d(1)}).status_code == 400
    assert StageStep.objects.count() == 1 and not Proceeding.objects.get().closed_as
    n = AuditEvent.objects.filter(object_type="legal_proceeding", action="view").count()
    c.get(page)
    c.get(f"{'/api/v1/legal/proceedings/'}{pk}/")
    assert AuditEvent.objects.filter(object_type="legal_proceeding", action="view").count() == n + 2
