from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.consents.actions import do_record_consent
from casebridge.consents.ledger import current, has_consent, require_consent
from casebridge.consents.models import ConsentRecord
from casebridge.lib.errors import ConsentRequired, NotAllowed

TODAY = timezone.localdate


def _record(world, **kwargs):
    data = {
        "actor": world.social_worker,
        "purpose": "services",
        "decision": "given",
        "given_by": "guardian",
        "child_assent": True,
        "decided_on": TODAY(),
        "language": "khm",
    }
    data.update(kwargs)
    return do_record_consent(world.case, **data)


def test_it_derives_the_current_state_from_the_latest_decision(world):
    _record(world, decided_on=TODAY() - datetime.timedelta(days=2))
    assert has_consent(world.case.survivor, "services")
    _record(world, decision="withdrawn", decided_on=TODAY())
    assert not has_consent(world.case.survivor, "services")
    assert ConsentRecord.objects.filter(purpose="services").count() == 2
    assert getattr(current(world.case.survivor, "services"), "decision", None) == "withdrawn"


def test_it_refuses_a_child_under_15_consenting_alone(world):
    world.case.survivor.estimated_age = 13
    world.case.survivor.save()
    with pytest.raises(ValidationError) as error:
        _record(world, given_by="survivor", child_assent=None)
    assert "under 15" in str(error.value)
    _record(world, given_by="survivor", decision="refused")  # a child's no is always recorded
    assert getattr(current(world.case.survivor, "services"), "decision", None) == "refused"


def test_it_needs_the_childs_assent_when_a_guardian_decides(world):
    with pytest.raises(ValidationError) as error:
        _record(world, child_assent=None)
    assert "child_assent" in error.value.message_dict
    _record(world, child_assent=False)
    assert not has_consent(world.case.survivor, "services")
    with pytest.raises(ConsentRequired, match="the child did not"):
        require_consent(world.case.survivor, "services")


def test_it_lets_an_adult_decide_for_themselves(world):
    survivor = world.case.survivor
    survivor.estimated_age = 22
    survivor.save()
    with pytest.raises(ValidationError, match="adult"):
        _record(world)
    _record(world, given_by="survivor")
    assert has_consent(survivor, "services")


def test_it_names_the_agency_for_sharing(world):
    with pytest.raises(ValidationError, match="Name the agency"):
        _record(world, purpose="sharing")
    with pytest.raises(ValidationError):
        _record(world, purpose="research", shared_with=world.agencies["HAC"])


def test_it_refuses_a_future_date_and_an_unknown_language(world):
    with pytest.raises(ValidationError) as error:
        _record(world, decided_on=TODAY() + datetime.timedelta(days=1), language="xx")
    assert {"decided_on", "language"} <= set(error.value.message_dict)


def test_it_needs_identity_access_to_record(world):
    with pytest.raises(NotAllowed):
        _record(world, actor=world.nurse.__class__.objects.get(username="privacy_officer"))


def test_it_explains_a_missing_consent(world):
    with pytest.raises(ConsentRequired, match="has not given consent for: Taking part in the prosecution"):
        require_consent(world.case.survivor, "testimony")


def test_it_explains_a_refusal_and_a_withdrawal_with_their_date(world):
    earlier = TODAY() - datetime.timedelta(days=3)
    _record(world, purpose="media", decision="refused", decided_on=earlier)
    with pytest.raises(ConsentRequired, match=f"refused consent for: Media on {earlier.isoformat()}"):
        require_consent(world.case.survivor, "media")
    _record(world, purpose="research", decided_on=earlier)
    _record(world, purpose="research", decision="withdrawn", decided_on=TODAY())
    with pytest.raises(ConsentRequired, match=f"withdrew consent for: Research on {TODAY().isoformat()}"):
        require_consent(world.case.survivor, "research")
