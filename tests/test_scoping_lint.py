"""A lint rule as a test: outside the access core, code reads protected models only through their
scoping entry (``visible_to``, or ``reviewable_by`` for emergency-access reviews).

The access core is what the scoping entries are built from and what writes: the access rules,
the models' querysets, the actions (each checks ``case_access`` before it writes), the audit log
itself, and the demo and test builders. Everything else (views, API, forms, search, templates'
helpers, commands) is checked, whatever the file is called."""

from __future__ import annotations

import ast
from pathlib import Path

PROTECTED = {
    "Case",
    "Person",
    "TimelineEvent",
    "ConsentRecord",
    "SearchEntry",
    "TeamMember",
    "ReferralGrant",
    "BreakGlass",
    "AuditEvent",
    "Reach",
    "Notification",
    "ContactRequest",
    "Study",
    "Stratum",
    "Establishment",
    "Selection",
    "Visit",
    "TrainingEvent",
    "EventTopic",
    "Participant",
    "Report",
    "StatusChange",
    "Subject",
    "Identifier",
    "IntelligenceReport",
    "Operation",
    "Encounter",
    "Arrest",
    "SeizedItem",
    "Screening",
    "Link",
    "CaseLink",
    "Grant",
    "Episode",
    "Shift",
    "Incident",
    "Assessment",
    "CareItem",
    "Interview",
    "Placement",
    "Referral",
    "ReferralStep",
    "CarePlan",
    "Goal",
    "ServiceDelivery",
    "Review",
    "MedicalRecord",
    "CounsellingSession",
    "Enrolment",
    "Livelihood",
    "Reintegration",
    "ReintegrationStep",
    "ReintegrationCheck",
    "FollowUp",
    "Outcome",
    "Transfer",
    "Proceeding",
    "ProceedingCase",
    "Defendant",
    "Charge",
    "StageStep",
    "Counsel",
    "Hearing",
    "Attendance",
    "CustodyStep",
    "Evidence",
    "Handoff",
    "HandoffReceipt",
    "Judgment",
    "Compensation",
    "Payment",
    "CalendarFeed",
    "TestimonySession",
}
SCOPES = {"visible_to", "on_case", "reviewable_by", "anchors", "none"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}
ROOT = Path(__file__).resolve().parent.parent / "casebridge"
CORE = {
    "cases/access.py",
    "cases/checks.py",  # which agencies lead any case, for manage.py check; no case is read
    "cases/signals.py",  # keeps the ways in (Reach) in step with what they are derived from
    "audit/log.py",
    "consents/ledger.py",  # takes a survivor the caller has already reached
    "audit/triggers.py",  # installs the append-only triggers
    "lib/testing.py",
    "lib/compiled.py",  # runs querysets built, and scoped, where the rule is (cases/access.py)
    "notifications/tasks.py",  # the e-mail worker: the one notification its task was queued for
    "indicators/report.py",  # the report worker: the one report its task was queued for
    "people/management/commands/reindex_people.py",
    # Aggregate counts for measurement, never rows; published only through indicators.disclosure.
    "cases/measures.py",
    "training/measures.py",
    "investigations/measures.py",
    "crisis/measures.py",
    "restoration/measures.py",
    # The investigations compartment's access module: each visible_to is built from it.
    "investigations/access.py",
    "crisis/alerts.py",  # the alert worker: every open episode's roster, to alert its supervisor
    "restoration/directory.py",  # a partner's occupancy: a count of current placements, never rows
    "legal/access.py",  # the legal compartment's access module: each visible_to is built from it
    "legal/evidence.py",  # the actions of the evidence register (as actions.py)
    "legal/judgment.py",  # the actions of custody, judgments and compensation (as actions.py)
    "legal/measures.py",  # days per stage across an agency's proceedings: aggregates, never rows
    # The indicators' tallies (decision 12): the measures' sums and what each case adds to them,
    # read only to publish sums through indicators.disclosure.
    "indicators/tally.py",
    "legal/bundle.py",  # reads only through visible_to; listed for its custody reading (as evidence.py)
    "legal/calendar.py",  # the secret calendar address: finds its user by the digest of its token
    "restoration/care.py",  # the actions of her care (as actions.py): each write checks the writer first
}
CORE_NAMES = {"models.py", "actions.py"}
CORE_DIRS = {"demo", "keys", "migrations", "tests"}  # fictional data; re-encryption of every row


def _protected_names(tree: ast.AST) -> dict[str, str]:
    """Local name -> model, following ``import ... as ...``."""
    names = {name: name for name in PROTECTED}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in PROTECTED and alias.asname:
                    names[alias.asname] = alias.name
    return names


def _violations(path: Path, root: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _protected_names(tree)
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        # Model.objects.<method> where <method> is not a scoping entry
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            owner = node.value
            if (
                owner.attr in MANAGERS
                and isinstance(owner.value, ast.Name)
                and owner.value.id in names
                and node.attr not in SCOPES
            ):
                found.append(f"{where}:{node.lineno} {owner.value.id}.{owner.attr}.{node.attr}")
        # get_object_or_404(Model, ...) and the like take the model's default manager
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("get_")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in names
        ):
            found.append(f"{where}:{node.lineno} {node.func.id}({node.args[0].id}, ...)")
        # raw SQL bypasses every rule
        if isinstance(node, ast.Attribute) and node.attr in {"raw", "cursor", "extra"}:
            found.append(f"{where}:{node.lineno} .{node.attr}")
    return found


def _checked_files(root: Path) -> list[Path]:
    files = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if CORE_DIRS & set(relative.parts) or path.name in CORE_NAMES or relative.as_posix() in CORE:
            continue
        files.append(path)
    return files


def test_it_finds_no_unscoped_reads():
    files = _checked_files(ROOT)
    assert {"cases/views.py", "cases/api.py", "people/search.py", "audit/views.py"} <= {
        f.relative_to(ROOT).as_posix() for f in files
    }
    violations = [v for path in files for v in _violations(path, ROOT)]
    assert violations == []


def test_it_catches_an_unscoped_read(tmp_path):
    bad = tmp_path / "reports" / "export.py"
    bad.parent.mkdir()
    bad.write_text(
        "from casebridge.cases.models import TeamMember as T\n"
        "def v(request, pk):\n"
        "    return Case.objects.get(pk=pk), get_object_or_404(Person, pk=pk), T.objects.filter(pk=pk)\n"
    )
    assert _checked_files(tmp_path) == [bad]
    assert len(_violations(bad, tmp_path)) == 3
