"""A period report of the indicators, made in the background (PDF and XLSX)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: User) -> ReportQuerySet:
        """A report is its requester's: the figures in it are those they may read."""
        return self.filter(requested_by=user)


class Report(models.Model):
    """The dashboard of a period (with its filters) as a PDF and a spreadsheet: aggregates only,
    with the same disclosure control as the page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    filters = models.JSONField(_("filters"), default=dict)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pdf = models.BinaryField(null=True, blank=True)
    xlsx = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


class Contribution(models.Model):
    """What one survivor's case, one proceeding or one suspect adds to the indicators' measures
    as of the month counted (``tally``): each measure's grouped rows for it (the quarter, the
    coarse intake facts kept in plain columns — those all its rows share kept once —, the
    counts; never a name or a note). Read only by
    ``tally``, to take it back out of the tallies when its records change."""

    key = models.CharField(max_length=60, primary_key=True)  # "case:<id>", "proceeding:<id>", "subject:<id>"
    rows = models.JSONField()


class Tally(models.Model):
    """One measure's count summed over every case (or proceeding, or suspect): for all, or for
    one group of one facet (``facet``, ``grp``), by quarter (all) or by year (a group), and by
    number of days where the measure counts days (``extra``)."""

    measure = models.CharField(max_length=30)
    facet = models.CharField(max_length=30, blank=True)
    grp = models.CharField(max_length=64, blank=True)
    extra = models.CharField(max_length=16, blank=True)
    period = models.DateField()
    name = models.CharField(max_length=30)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "facet", "grp", "extra", "period", "name"], name="indicators_tally_cell"
            )
        ]


class Pending(models.Model):
    """A case, proceeding or suspect whose records changed since the tallies last took it in:
    one row per write, only ever added by writers (so that no two writes wait for each other
    over it) and removed by the worker once taken in."""

    key = models.CharField(max_length=60)
    marked_at = models.DateTimeField()


class TallyState(models.Model):
    """The tallies' month (the first day they do not count) and version (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    month = models.DateField(null=True)
    version = models.PositiveBigIntegerField(default=0)
