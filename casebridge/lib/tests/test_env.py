"""Reading the database setting from its URL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from casebridge.lib.env import database_from_url


def test_it_reads_a_postgresql_url_over_tcp_and_through_a_socket():
    tcp = database_from_url("postgres://casebridge:s%40cret@db.example.org:6543/cases?sslmode=require")
    assert (tcp["HOST"], tcp["PORT"], tcp["USER"], tcp["PASSWORD"], tcp["NAME"]) == (
        "db.example.org",
        "6543",
        "casebridge",
        "s@cret",
        "cases",
    )
    assert tcp["OPTIONS"] == {"sslmode": "require"}
    socket = database_from_url("postgres://postgres@%2Fvar%2Frun%2Fpostgresql/casebridge")
    assert socket["HOST"] == "/var/run/postgresql" and socket["PORT"] == ""


def test_it_reads_a_sqlite_url_and_refuses_others():
    assert database_from_url("sqlite:///var/x.sqlite3")["NAME"] == "var/x.sqlite3"
    assert database_from_url("sqlite:////srv/x.sqlite3")["NAME"] == "/srv/x.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="must start with"):
        database_from_url("mysql://root@localhost/x")
