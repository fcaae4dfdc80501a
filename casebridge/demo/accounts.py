"""Listing who can sign in, with which agency and role."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from casebridge.agencies.models import Membership


@dataclass(frozen=True)
class AccountRow:
    username: str
    agency: str
    agency_name: str
    role: str


def account_rows() -> list[AccountRow]:
    """Active users with their active memberships, in the order the accounts were made."""
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True, agency__is_active=True)
        .select_related("user", "agency")
        .order_by("user_id", "id")
    )
    return [AccountRow(m.user.get_username(), m.agency.code, m.agency.name, m.role) for m in memberships]


def as_dicts(rows: list[AccountRow]) -> list[dict[str, str]]:
    return [asdict(row) for row in rows]


def table(rows: list[AccountRow]) -> str:
    """A plain-text table, one line per account: username, agency codes, roles (a person who
    works for two agencies has both on the one line)."""
    header = ("username", "agency", "role")
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for r in rows:
        agencies, roles = grouped.setdefault(r.username, ([], []))
        agencies.append(r.agency)
        if r.role not in roles:
            roles.append(r.role)
    lines = [(name, ", ".join(agencies), ", ".join(roles)) for name, (agencies, roles) in grouped.items()]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    rule = tuple("-" * w for w in widths)
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [header, rule, *lines]
    )
