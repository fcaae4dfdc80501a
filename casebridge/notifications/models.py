"""What a user should know about: shown in the app (the header's count, the notifications page)
and sent by e-mail in the reader's language. A notification holds codes and numbers (a case
number, usernames, agency codes), never a survivor's name; its text is written when it is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casebridge.cases.models import ContactAnswer

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class Kind(models.TextChoices):
    BREAK_GLASS = "break_glass", gettext_lazy("Emergency access to review")
    CONSENT_BY_PARTNER = "consent_by_partner", gettext_lazy("A partner recorded a consent decision")
    MEMBERSHIP_PENDING = "membership_pending", gettext_lazy("A membership waits for approval")
    MEMBERSHIP_CHANGED = "membership_changed", gettext_lazy("A membership was created, changed or ended")
    EMAIL_CHANGED = "email_changed", gettext_lazy("An e-mail address was changed")
    PASSWORD_SET = "password_set", gettext_lazy("An administrator set a password")
    SHARED = "shared", gettext_lazy("A case was shared with you")
    PARTNER_NOTE = "partner_note", gettext_lazy("A partner added a note to your case")
    ASSIGNED = "assigned", gettext_lazy("A case was given to you")
    CONTACT_REQUEST = "contact_request", gettext_lazy("Another agency asks about a person on your case")
    CONTACT_ANSWERED = "contact_answered", gettext_lazy("Your contact request was answered")
    OPERATION_STANDBY = "operation_standby", gettext_lazy("Your team is on standby for an operation")
    SAFEGUARD_INCIDENT = "safeguard_incident", gettext_lazy("A survivor's safeguard was broken")
    INTERVIEW_POLICY = "interview_policy", gettext_lazy("A girl was interviewed without a female officer")
    CRISIS_GAP = "crisis_gap", gettext_lazy("A gap in a crisis-care roster")
    CRISIS_WINDOW = "crisis_window", gettext_lazy("A crisis-care window ends without a placement")
    REFERRAL = "referral", gettext_lazy("A referral to or from your agency moved")
    TRANSFER = "transfer", gettext_lazy("A case is handed over to or by your agency")
    HEARING = "hearing", gettext_lazy("A survivor's hearing needs attention")


# Who may receive each kind, for the settings page (a kind nobody in the user's roles receives is
# not offered). Emergency access is always e-mailed to the privacy officers who review it.
CASE_KINDS = (
    Kind.SHARED,
    Kind.ASSIGNED,
    Kind.PARTNER_NOTE,
    Kind.CONSENT_BY_PARTNER,
    Kind.CONTACT_REQUEST,
    Kind.CONTACT_ANSWERED,
    Kind.OPERATION_STANDBY,
    Kind.SAFEGUARD_INCIDENT,
    Kind.INTERVIEW_POLICY,
    Kind.CRISIS_GAP,
    Kind.CRISIS_WINDOW,
    Kind.REFERRAL,
    Kind.TRANSFER,
    Kind.HEARING,
)
OFFICER_KINDS = (
    Kind.BREAK_GLASS,
    Kind.MEMBERSHIP_PENDING,
    Kind.MEMBERSHIP_CHANGED,
    Kind.EMAIL_CHANGED,
    Kind.PASSWORD_SET,
    Kind.SAFEGUARD_INCIDENT,
)
ALWAYS_EMAILED = frozenset({Kind.BREAK_GLASS, Kind.SAFEGUARD_INCIDENT})


class EmailState(models.TextChoices):
    NONE = "", gettext_lazy("not e-mailed")
    PENDING = "pending", gettext_lazy("waiting to be sent")
    SENT = "sent", gettext_lazy("sent")
    NOT_WANTED = "not_wanted", gettext_lazy("not wanted by the recipient")
    NO_ADDRESS = "no_address", gettext_lazy("no e-mail address")
    FAILED = "failed", gettext_lazy("could not be sent")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one user should know, with a link to where to act on it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail that says something waits (sent by a background task, at most once).
    email_state = models.CharField(max_length=12, choices=EmailState.choices, default=EmailState.NONE, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def message(self) -> str:
        """The notification in the current language."""
        d = {key: str(value) for key, value in self.data.items()}
        if self.kind == Kind.BREAK_GLASS:
            return _("%(user)s used emergency access to case %(number)s. Review it.") % d
        if self.kind == Kind.CONSENT_BY_PARTNER:
            return _(
                "%(agency)s recorded on case %(number)s that consent to share information with them was %(decision)s."
            ) % {**d, "decision": _decision(d.get("decision", ""))}
        if self.kind == Kind.MEMBERSHIP_PENDING:
            return _("%(by)s gave %(user)s the role %(role)s at %(agency)s. It takes effect once you approve it.") % {
                **d,
                "role": _role(d.get("role", "")),
            }
        if self.kind == Kind.MEMBERSHIP_CHANGED:
            return _("%(by)s %(change)s the membership of %(user)s at %(agency)s (%(role)s).") % {
                **d,
                "role": _role(d.get("role", "")),
                "change": _change(d.get("change", "")),
            }
        if self.kind == Kind.EMAIL_CHANGED:
            return _("%(by)s changed the e-mail address of %(user)s.") % d
        if self.kind == Kind.PASSWORD_SET:
            return _("%(by)s set a new password for %(user)s.") % d
        if self.kind == Kind.SHARED:
            return _("Case %(number)s was shared with %(agency)s.") % d
        if self.kind == Kind.PARTNER_NOTE:
            return _("A partner (%(role)s) added a note to case %(number)s.") % {**d, "role": _role(d.get("role", ""))}
        if self.kind == Kind.ASSIGNED:
            return _("%(by)s made you the case worker of case %(number)s.") % d
        if self.kind == Kind.CONTACT_REQUEST:
            return (
                _("%(agency)s asks about someone who may be the survivor of case %(number)s. Decide whether to answer.")
                % d
            )
        if self.kind == Kind.CONTACT_ANSWERED:
            return _("Your contact request of %(day)s was answered: %(answer)s.") % {
                **d,
                "answer": ContactAnswer(d["answer"]).label if d.get("answer") in ContactAnswer.values else "",
            }
        if self.kind == Kind.SAFEGUARD_INCIDENT:
            what = {
                "held_in_cell": _("was held in a cell"),
                "suspect_contact": _("was in sight or hearing of a suspect"),
            }.get(d.get("incident", ""), "")
            return _("The survivor of case %(number)s %(what)s. Act now, and review it.") % {**d, "what": what}
        if self.kind == Kind.INTERVIEW_POLICY:
            return _("The survivor of case %(number)s was interviewed without a female officer present.") % d
        if self.kind == Kind.CRISIS_GAP and d.get("now"):
            return _("Case %(number)s: nobody is with her now (%(reason)s), until %(end)s. Put someone on shift.") % {
                **d,
                "end": _at(d.get("end", "")),
                "reason": _gap_reason(d.get("reason", "")),
            }
        if self.kind == Kind.CRISIS_GAP:
            return _("Case %(number)s: a gap in the roster starts at %(start)s (%(reason)s). Put someone on shift.") % {
                **d,
                "start": _at(d.get("start", "")),
                "reason": _gap_reason(d.get("reason", "")),
            }
        if self.kind == Kind.CRISIS_WINDOW:
            return _(
                "Case %(number)s: the minimum window of her crisis care ends at %(end)s and no placement is decided."
            ) % {**d, "end": _at(d.get("end", ""))}
        if self.kind == Kind.REFERRAL:
            from casebridge.restoration.models import ReferralState

            state = ReferralState(d["state"]).label if d.get("state") in ReferralState.values else ""
            return _("A referral of case %(number)s: %(state)s.") % {**d, "state": state}
        if self.kind == Kind.HEARING:
            if d.get("what") == "confrontation":
                return (
                    _("Proceeding %(reference)s: a survivor would face the defendant at a hearing without protection.")
                    % d
                )
            if d.get("what") == "counsel":
                return _("Proceeding %(reference)s: you are granted it as counsel.") % d
            if d.get("what") == "reminder":
                return _("Proceeding %(reference)s: a hearing on %(at)s.") % d
            if d.get("what") == "attend":
                return _("Case %(number)s: she attends a hearing on %(at)s.") % d
            return (
                _(
                    "Proceeding %(reference)s: her consent to take part is no longer current; "
                    "her hearings are cancelled."
                )
                % d
            )
        if self.kind == Kind.TRANSFER:
            from casebridge.restoration.models import TransferState

            state = TransferState(d["state"]).label if d.get("state") in TransferState.values else ""
            return _("Handing over case %(number)s: %(state)s.") % {**d, "state": state}
        if self.kind == Kind.OPERATION_STANDBY:
            return (
                _(
                    "An operation is planned for %(day)s at %(time)s: your aftercare team is on standby. "
                    "Be ready to stay with the people found, day and night."
                )
                % d
            )
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


class EmailChoice(models.Model):
    """A user's choice to get (or not) an e-mail for one kind of notification; without a row,
    they do. The notification is always shown in the app."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="emailchoice_unique")]


def _decision(code: str) -> str:
    from casebridge.consents.models import Decision

    return str(Decision(code).label).lower() if code in Decision.values else code


def _role(code: str) -> str:
    from casebridge.agencies.models import Role

    return str(Role(code).label) if code in Role.values else code


def _change(code: str) -> str:
    return {"created": _("created"), "changed": _("changed"), "ended": _("ended")}.get(code, code)


def _at(value: str) -> str:
    """An ISO time stored in a notification, in the reader's time zone."""
    import datetime

    from django.utils import timezone

    try:
        return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def _gap_reason(reason: str) -> str:
    return {"no_staff": _("no social worker"), "no_language": _("nobody speaks her language")}.get(reason, reason)
