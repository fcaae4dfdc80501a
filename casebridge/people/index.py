"""The search index: the keyed words under which each person is found.

A person's names give spelling keys and the keys one letter away (``lib.text.name_keys``); each
key becomes a word of eight letters made from its blind-index token, so the index holds no name
and nobody without the index key can compute the word of a guessed name. A person's words are
one text (``SearchEntry.words``), indexed by the database's own full-text index: GIN over a
``tsvector`` on PostgreSQL, FTS5 on SQLite (migration ``people 0005``). A query is an OR of
clauses, each an AND of groups of words (``lib.text.query_clauses``), which both indexes answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from casebridge.lib.crypto import blind_index
from casebridge.lib.text import Clause, Romaniser, name_keys, romanise

LETTERS = 8
# A query's words at most (a name's are a few hundred; more only makes the database work).
QUERY_WORDS = 2000
FTS_TABLE = "people_searchentry_fts"
POSTGRESQL_INDEX_NAME = "people_searchentry_words"
POSTGRESQL_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {POSTGRESQL_INDEX_NAME} ON people_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, words))"
)
# The planner's estimate of how many people a query's words match comes from the index's most
# common words: with the default 1,000 of them, an OR of a few dozen rare words was taken for a
# tenth of the table, and a LIMIT then made it read the whole table (seconds at a million). With
# up to 100,000 the vocabulary is covered and the index is used.
POSTGRESQL_STATISTICS = f"ALTER INDEX {POSTGRESQL_INDEX_NAME} ALTER COLUMN 1 SET STATISTICS 10000"


def word(kind: str, key: str, letters: int = LETTERS) -> str:
    """The index word of one key: ``letters`` lower-case letters from its keyed token."""
    value = blind_index(f"search-{kind}", key) % 26**letters
    out = []
    for _ in range(letters):
        value, letter = divmod(value, 26)
        out.append(chr(97 + letter))
    return "".join(out)


# A way in as an index word, nine letters (a name's are eight): who reaches the person's cases by
# which path (``cases.access.Term``: the agency or user, and the path), so that a search reads
# only people the user may reach; the exact rule (sections, time windows) is still checked.
WAY_LETTERS = LETTERS + 1


def way_word(column: str, principal: int, path: str) -> str:
    return word("way", f"{column}:{principal}:{path}", WAY_LETTERS)


def ways_words(rows: Iterable[Any]) -> set[str]:
    """The words of the ways in (``Reach`` rows) that can open a case's identity section: the lead
    agency and emergency access always (what they open depends on the role, when asked), team
    places and referrals where they hold the identity section."""
    from casebridge.cases.access import BREAK_GLASS, LEAD
    from casebridge.cases.sections import BIT, Section

    found = set()
    for row in rows:
        if row.path in (LEAD, BREAK_GLASS) or row.sections & BIT[Section.IDENTITY]:
            if row.agency_id is not None:
                found.add(way_word("agency_id", row.agency_id, row.path))
            if row.user_id is not None:
                found.add(way_word("user_id", row.user_id, row.path))
    return found


def user_ways(user: Any) -> list[str]:
    """The words of the ways in that give ``user`` the identity section (``cases.access.terms``)."""
    from casebridge.cases.access import terms
    from casebridge.cases.sections import Section

    return sorted({way_word(t.column, t.principal, t.path) for t in terms(user, Section.IDENTITY)})


def with_ways(words: str, ways: Iterable[str]) -> str:
    """A person's index text with its ways-in words replaced by ``ways``."""
    names = [w for w in words.split() if len(w) != WAY_LETTERS]
    return " ".join(sorted({*names, *ways}))


def phone_word(number: str) -> str:
    """The index word of a phone number in E.164 form (search by phone)."""
    return word("tel", number)


def name_words(names: Iterable[str], romaniser: Romaniser = romanise) -> set[str]:
    return {word(kind, key) for name in names for kind, key in name_keys(name, romaniser)}


def person_words(names: Iterable[str], phone: str | None, romaniser: Romaniser = romanise) -> str:
    """A person's index text: the words of their names and of their phone number."""
    return " ".join(sorted(name_words(names, romaniser) | ({phone_word(phone)} if phone else set())))


class Query:
    """What to find: any of the clauses, each a list of groups of which every one must have a
    word the person has."""

    def __init__(self, clauses: Iterable[Iterable[Iterable[str]]], ways: list[str] | None = None) -> None:
        self.ways = ways
        self.clauses: list[list[list[str]]] = []
        size = 0
        for clause in clauses:
            groups = [sorted(set(group)) for group in clause]
            size += sum(map(len, groups))
            if size > QUERY_WORDS:
                break
            if groups and all(groups):
                self.clauses.append(groups)

    @classmethod
    def of(cls, clauses: Iterable[Clause], ways: list[str] | None = None) -> Query:
        """The query of these clauses; with ``ways``, only among people reached by one of them."""
        words = [[[word(kind, key) for kind, key in group] for group in clause] for clause in clauses]
        return cls(words, ways)

    def __bool__(self) -> bool:
        return bool(self.clauses) and self.ways != []

    def render(self, vendor: str) -> str:
        """The query in the database's own syntax (PostgreSQL tsquery or SQLite FTS5)."""
        either, both = (" | ", " & ") if vendor == "postgresql" else (" OR ", " AND ")
        names = either.join(
            "(" + both.join("(" + either.join(group) + ")" for group in clause) + ")" for clause in self.clauses
        )
        return f"({names}){both}({either.join(self.ways)})" if self.ways else names


class SearchWordsField(models.TextField):  # type: ignore[type-arg]
    """A person's index words; filtered with the ``matches`` lookup and a :class:`Query`."""


@SearchWordsField.register_lookup
class Matches(models.Lookup):  # type: ignore[type-arg]
    lookup_name = "matches"
    prepare_rhs = False

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        assert isinstance(self.rhs, Query)
        return "%s", [self.rhs.render(connection.vendor)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # One index condition per clause, joined by OR (a BitmapOr of small index scans): the
            # index checks each person it reads against the whole text query, so one query of
            # every clause costs each clause's people times every clause's words.
            match = f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)"
            parts = [Query([clause], self.rhs.ways).render(connection.vendor) for clause in self.rhs.clauses]
            return "(" + " OR ".join([match] * len(parts)) + ")", [p for part in parts for p in (*lhs_params, part)]
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        # The table names are the model's and this module's; the query is a parameter.
        return f'{table}."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {rhs})', rhs_params  # noqa: S608
