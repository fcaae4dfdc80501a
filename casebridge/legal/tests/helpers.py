"""Helpers of the legal tests."""

from __future__ import annotations

from django.utils import timezone

from casebridge.consents.actions import do_record_consent


def testimony_consent(world, decision="given"):  # type: ignore[no-untyped-def]
    """Her guardian's decision on her taking part in the prosecution, recorded by her case worker."""
    do_record_consent(
        world.case,
        actor=world.social_worker,
        purpose="testimony",
        decision=decision,
        given_by="guardian",
        child_assent=decision == "given",
        decided_on=timezone.localdate(),
        language="khm",
    )
