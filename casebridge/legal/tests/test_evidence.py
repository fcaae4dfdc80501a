"""The evidence register: items registered by the lead agency's lawyers (a digital file by its
SHA-256; an item seized in an operation the lawyer is granted), moved only by hand-offs from their
holder to someone on the proceeding and confirmed by the receiver alone; the chain append-only at
the database (both engines); 404 outside the compartment."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.investigations import actions as investigations
from casebridge.investigations.tests.helpers import build_investigation
from casebridge.legal.models import Counsel, Evidence, Handoff, HandoffReceipt
from casebridge.lib.testing import make_user

J = "application/json"
URL = "/api/v1/legal/proceedings/"
DIGEST = hashlib.sha256(b"phone extraction").hexdigest()


def _proceeding(world, client):  # type: ignore[no-untyped-def]
    opened = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    made = client.post(URL, {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": opened}, content_type=J)
    assert made.status_code == 201, made.content
    return made.json()["id"]


def _item(client, pk, **changes):  # type: ignore[no-untyped-def]
    body = {
        "kind": "digital",
        "description": "Phone extraction of the manager's phone",
        "sha256": DIGEST,
        "collected_by": "AHTJP forensic unit",
        "collected_on": (timezone.localdate() - datetime.timedelta(days=20)).isoformat(),
        "location": "JPC safe, Phnom Penh office",
        **changes,
    }
    return client.post(f"{URL}{pk}/evidence/", body, content_type=J)


def test_an_item_moves_only_by_confirmed_hand_offs(world, login):
    colleague, _ = make_user("colleague", world.agencies["JPC"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    assert _item(lawyer, pk, sha256="abc").status_code == 400
    assert _item(lawyer, pk, kind="physical").status_code == 400  # a SHA-256 only for a file
    made = _item(lawyer, pk)
    assert made.status_code == 201, made.content
    item = made.json()
    assert item["custodian"] == world.lawyer.username and item["awaiting"] is None
    chain = f"{URL}{pk}/evidence/{item['id']}/handoffs/"
    stranger = lawyer.post(chain, {"receiver": world.social_worker.username, "location": "x"}, content_type=J)
    assert stranger.status_code == 400 and "receiver" in stranger.json()["errors"]
    handed = lawyer.post(chain, {"receiver": "colleague", "location": "Court registry"}, content_type=J)
    assert handed.status_code == 201, handed.content
    handoff = handed.json()["id"]
    listed = lawyer.get(f"{URL}{pk}/evidence/").json()["results"][0]
    assert listed["custodian"] == world.lawyer.username and listed["awaiting"] == "colleague"
    confirm = f"{chain}{handoff}/confirm/"
    assert lawyer.post(confirm, content_type=J).status_code == 403  # confirmed by someone else
    receiver = login(colleague)
    onward = receiver.post(chain, {"receiver": world.lawyer.username, "location": "x"}, content_type=J)
    assert onward.status_code == 409  # not confirmed yet: not hers to hand on
    confirmed = receiver.post(confirm, content_type=J)
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"] is not None
    assert receiver.post(confirm, content_type=J).status_code == 409
    assert receiver.get(f"{URL}{pk}/evidence/").json()["results"][0]["custodian"] == "colleague"
    back = login(world.lawyer).post(chain, {"receiver": "colleague", "location": "x"}, content_type=J)
    assert back.status_code == 403  # he no longer holds it
    steps = login(colleague).get(chain).json()["results"]
    assert [(s["giver"], s["receiver"]) for s in steps] == [(world.lawyer.username, "colleague")]


def test_an_item_seized_in_an_operation_flows_in_for_a_lawyer_granted_it(world, login):
    found = build_investigation(world)
    seized = investigations.do_add_seized(found.operation, actor=world.police, description="Ledger", quantity=1)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    physical = {"kind": "physical", "sha256": "", "seized": str(seized.pk)}
    assert _item(lawyer, pk, **physical).status_code == 400  # not granted the operation
    investigations.do_grant(
        actor=world.ngo_investigator, user=world.lawyer, reason="Proceeding", operation=found.operation
    )
    assert _item(lawyer, pk, **physical).status_code == 201
    assert _item(lawyer, pk, **physical).status_code == 400  # once per proceeding
    assert Evidence.objects.filter(seized=seized).count() == 1


def test_counsel_reads_the_register_but_only_the_lead_agency_registers(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    _item(lawyer, pk)
    other, _ = make_user("legal_aid", world.agencies["AHTJP"], Role.LAWYER)
    Counsel.objects.create(proceeding_id=pk, user=other, granted_by=world.lawyer)
    counsel = login(other)
    assert len(counsel.get(f"{URL}{pk}/evidence/").json()["results"]) == 1
    assert _item(counsel, pk).status_code == 403


def test_the_register_is_404_outside_the_compartment(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    item = _item(lawyer, pk).json()["id"]
    chain = f"{URL}{pk}/evidence/{item}/handoffs/"
    handoff = lawyer.post(chain, {"receiver": world.lawyer.username, "location": "x"}, content_type=J)
    assert handoff.status_code == 400
    for persona in ("social_worker", "shelter_caseworker", "nurse", "police", "outsider"):
        client = login(world.users[persona])
        assert client.get(f"{URL}{pk}/evidence/").status_code == 404, persona
        assert _item(client, pk).status_code == 404, persona
        assert client.get(chain).status_code == 404, persona
        assert client.post(chain, {"receiver": "x", "location": "x"}, content_type=J).status_code == 404, persona
    assert Evidence.objects.count() == 1 and not Handoff.objects.exists()


def _confirmed(world, login):  # type: ignore[no-untyped-def]
    """An item the lawyer handed to a colleague, who confirmed it: (the colleague, its chain's URL)."""
    colleague, _ = make_user("colleague", world.agencies["JPC"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    item = _item(lawyer, pk).json()["id"]
    chain = f"{URL}{pk}/evidence/{item}/handoffs/"
    handoff = lawyer.post(chain, {"receiver": "colleague", "location": "Registry"}, content_type=J).json()["id"]
    assert login(colleague).post(f"{chain}{handoff}/confirm/", content_type=J).status_code == 200
    return colleague, chain


@pytest.mark.parametrize("table", ["legal_handoff", "legal_handoffreceipt", "legal_evidence"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET proceeding_id = proceeding_id", "DELETE FROM {table}"])
def test_the_chain_of_custody_is_append_only_in_the_database(world, login, table, statement):
    _confirmed(world, login)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))
    assert Handoff.objects.count() == 1 and HandoffReceipt.objects.count() == 1


# Found by an independent review: the registered item itself could be rewritten (its SHA-256, its
# first holder); an item held by someone who left the proceeding could never move again.
def test_a_lawyer_of_the_lead_agency_recovers_an_item_whose_holder_left(world, login):
    from casebridge.agencies.models import Membership

    colleague, chain = _confirmed(world, login)
    lawyer = login(world.lawyer)
    assert lawyer.post(chain, {"receiver": world.lawyer.username, "location": "x"}, content_type=J).status_code == 403
    Membership.objects.filter(user=colleague).update(is_active=False)
    make_user("third", world.agencies["JPC"], Role.LAWYER)
    unexplained = lawyer.post(chain, {"receiver": "third", "location": "JPC safe"}, content_type=J)
    assert unexplained.status_code == 400 and "purpose" in unexplained.json()["errors"]
    body = {"receiver": "third", "location": "JPC safe", "purpose": "Recovered from her desk after she left JPC"}
    assert lawyer.post(chain, body, content_type=J).status_code == 201
    assert Handoff.objects.count() == 2


def test_the_page_and_the_register_cost_the_same_queries_for_more_items(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_user("colleague", world.agencies["JPC"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    paths = [f"/legal/{pk}/", f"{URL}{pk}/evidence/", f"{URL}{pk}/defendants/"]

    def add(n):  # type: ignore[no-untyped-def]
        for _ in range(n):
            item = _item(lawyer, pk).json()["id"]
            chain = f"{URL}{pk}/evidence/{item}/handoffs/"
            lawyer.post(chain, {"receiver": "colleague", "location": "Registry"}, content_type=J)
            lawyer.post(f"{URL}{pk}/defendants/", {"name": "Fictional"}, content_type=J)

    def counts():  # type: ignore[no-untyped-def]
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert lawyer.get(path).status_code == 200
            found.append(len(queries))
        return found

    add(2)
    few = counts()
    add(5)
    assert counts() == few
