"""demo_accounts lists who can sign in, as a table or as JSON."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from casebridge.accounts.models import User


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_accounts", *args, stdout=out)
    return out.getvalue()


def test_it_prints_json_with_one_entry_per_membership(world):
    User.objects.create_user(username="no_membership")
    rows = json.loads(_run("--json"))
    assert {tuple(sorted(r)) for r in rows} == {("agency", "agency_name", "role", "username")}
    by_user = {r["username"]: r for r in rows}
    assert by_user["police"] == {
        "username": "police",
        "agency": "AHTJP",
        "agency_name": "Anti-Human Trafficking and Juvenile Protection Police, Phnom Penh",
        "role": "police_investigator",
    }
    assert by_user["lawyer"]["agency"] == "JPC"
    assert "no_membership" not in by_user
    assert len(rows) == len(world.users)


def test_it_lists_a_user_once_per_agency(settings, db):
    settings.DEMO = True
    call_command("load_demo", "--cases", "0", stdout=io.StringIO())
    rows = json.loads(_run("--json"))
    assert [r["agency"] for r in rows if r["username"] == "caseworker.nary"] == ["SHS", "HAC"]


def test_the_table_lists_each_account_once_and_load_demo_counts_them(settings, db):
    settings.DEMO = True
    out = io.StringIO()
    call_command("load_demo", "--cases", "0", stdout=out)
    printed = out.getvalue()
    lines = [line for line in _run().splitlines()[2:] if line.strip()]
    names = [line.split()[0] for line in lines]
    assert len(names) == len(set(names))
    assert any(line.split()[:3] == ["caseworker.nary", "SHS,", "HAC"] for line in lines)
    assert f"{len(names)} accounts" in printed


def test_it_prints_a_table(world):
    text = _run()
    lines = text.splitlines()
    assert lines[0].split() == ["username", "agency", "role"]
    assert any(line.split() == ["nurse", "MCL", "medical_staff"] for line in lines)


def test_it_says_when_there_are_no_accounts(db):
    assert "No accounts" in _run()
    assert json.loads(_run("--json")) == []
