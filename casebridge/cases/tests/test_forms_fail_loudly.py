"""Forms that cannot fail silently: an error summary at the top that links to each field,
required fields marked, choice groups in a fieldset with a legend, htmx answers with 4xx shown
in place (and whole error pages replacing the page), a skip link; and a note's section chosen,
not defaulted."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from casebridge.cases.models import TimelineEvent


def _note(client, world, data, **headers):
    return client.post(reverse("cases:note_create", args=[world.case.pk]), data, **headers)


def test_a_failed_note_says_so_at_the_top_with_a_link_to_each_field(world, login):
    response = _note(login(world.social_worker), world, {"section": "", "body": ""})
    assert response.status_code == 400
    body = response.content.decode()
    summary = body[body.index('class="errors error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1"' in body and 'data-title-prefix="Error:"' in body
    assert "Nothing was saved. Please correct:" in summary
    assert 'href="#id_section"' in summary and 'href="#id_body"' in summary
    assert not TimelineEvent.objects.filter(case=world.case, kind="note").exists()


def test_htmx_gets_the_failed_form_as_a_fragment_it_swaps(world, login):
    response = _note(login(world.social_worker), world, {"section": "crisis_care", "body": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert not body.lstrip().startswith("<!DOCTYPE") and "error-summary" in body
    assert "HX-Retarget" not in response


def test_the_page_tells_htmx_to_swap_4xx_answers(world, login):
    body = login(world.social_worker).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    found = re.search(r"name=\"htmx-config\" content='([^']+)'", body)
    assert found is not None
    config = json.loads(found.group(1))
    four = [rule for rule in config["responseHandling"] if re.fullmatch(rule["code"], "400")]
    assert four and four[0]["swap"] is True and four[0]["error"] is False


def test_a_whole_error_page_to_htmx_replaces_the_page(world, login):
    response = _note(login(world.outsider), world, {"section": "identity", "body": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert response["HX-Retarget"] == "body" and response["HX-Reswap"] == "innerHTML"


def test_required_fields_are_marked_and_choice_groups_have_a_legend(world, login):
    from casebridge.cases import actions

    glass = actions.do_break_glass(
        world.case.number, actor=world.gov_social_worker, reason="At the border post now, need to know who she is"
    )
    assert glass is not None
    body = login(world.privacy_officer).get(reverse("audit:review", args=[glass.pk])).content.decode()
    fieldset = body[body.index("<fieldset") : body.index("</fieldset>")]
    assert "<legend>Outcome" in fieldset and "required" in fieldset
    assert 'type="radio"' in fieldset
    note = body[body.index('for="id_review_note"') :]
    assert note[: note.index("</label>")].count("required") == 0  # optional: not marked


def test_every_page_has_a_skip_link_to_the_content(world, login):
    body = login(world.social_worker).get(reverse("cases:home")).content.decode()
    assert '<a class="skip" href="#main">' in body and '<main id="main"' in body


def _section_choices(body):
    select = body[body.index('name="section"') : body.index("</select>", body.index('name="section"'))]
    return re.findall(r'<option value="([^"]*)"( selected)?', select)


def test_a_note_has_no_default_section_for_a_role_with_several(world, login):
    body = login(world.social_worker).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    choices = _section_choices(body)
    assert choices[0][0] == "" and all(not selected for _value, selected in choices[1:])


def test_a_clinical_role_starts_on_its_own_section_and_is_offered_only_what_it_reaches(world, login):
    body = login(world.nurse).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    choices = dict(_section_choices(body))
    assert choices["medical"] == " selected"
    assert set(choices) - {""} == {"identity", "medical"}  # the clinic's referral grant


def test_a_note_without_a_chosen_section_is_refused(world, login):
    response = _note(login(world.social_worker), world, {"section": "", "body": "Slept well."})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
