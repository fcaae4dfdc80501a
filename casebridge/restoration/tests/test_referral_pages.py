"""The referral pages: the lead drafts and sends, the partner sees it waiting and accepts or
declines; after a decline the partner keeps nothing of it (404); the outsider gets 404."""

from __future__ import annotations

from django.urls import reverse

from casebridge.restoration.models import Referral


def _partners(world):  # type: ignore[no-untyped-def]
    shs = world.agencies["SHS"]
    shs.services = ["shelter", "counselling"]
    shs.save()
    return shs


def test_the_lead_refers_and_the_partner_answers_on_the_pages(world, login):
    shs = _partners(world)
    client = login(world.social_worker)
    page = client.get(reverse("restoration:referral_new") + f"?case={world.case.number}").content.decode()
    token = page[page.index('name="submission" value="') + 25 :][:36]
    made = client.post(
        reverse("restoration:referral_new"),
        {
            "submission": token,
            "case_number": world.case.number,
            "to_agency": shs.pk,
            "services": ["counselling"],
            "sections": ["identity", "counselling"],
        },
    )
    assert made.status_code == 302
    referral = Referral.objects.get()
    detail = reverse("restoration:referral", args=[referral.pk])
    assert client.post(reverse("restoration:referral_move", args=[referral.pk, "send"])).status_code == 302
    assert Referral.objects.get().state == "sent"
    partner = login(world.shelter_caseworker)
    assert world.case.number in partner.get(reverse("restoration:referrals")).content.decode()
    assert 'id="move-accept"' in partner.get(detail).content.decode()
    partner.post(reverse("restoration:referral_move", args=[referral.pk, "decline"]), {"text": "No place"})
    assert Referral.objects.get().state == "declined"
    assert partner.get(detail).status_code == 404
    lead_page = login(world.social_worker).get(detail).content.decode()
    assert "Declined" in lead_page and "No place" in lead_page


def test_outsiders_get_404_on_the_referral_pages(world, login):
    from casebridge.restoration import actions

    shs = _partners(world)
    referral = actions.do_create_referral(
        world.case, actor=world.social_worker, to_agency=shs, services=["counselling"], sections=["identity"]
    )
    outsider = login(world.outsider)
    assert outsider.get(reverse("restoration:referral", args=[referral.pk])).status_code == 404
    for move in ("send", "accept", "decline", "revoke", "complete"):
        assert outsider.post(reverse("restoration:referral_move", args=[referral.pk, move])).status_code == 404
    assert Referral.objects.get().state == "draft"
    assert login(world.trainer).get(reverse("restoration:referrals")).status_code == 404
