"""Every page speaks English, Khmer and Vietnamese; the catalogues cover every string."""

from __future__ import annotations

import datetime
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from casebridge.cases.tests.test_views import _intake

ROOT = Path(__file__).resolve().parent.parent / "casebridge"


@pytest.mark.parametrize("language", ["km", "vi"])
def test_it_switches_the_language_on_every_page(world, login, language):
    client = login(world.social_worker)
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("cases:home")})
    assert response.status_code == 302
    body = client.get(reverse("cases:home")).content.decode()
    with translation.override(language):
        heading = translation.gettext("My work")
        timeline = translation.gettext("Timeline")
    assert heading != "My work" and f"<h1>{heading}</h1>" in body
    assert f'lang="{language}"' in body
    # Each language is offered in its own name, whatever the page's language.
    for name in ("English", "ខ្មែរ", "Tiếng Việt"):
        assert f">{name}</button>" in body
    detail = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert timeline in detail and "Timeline" not in detail
    # Timeline facts stored as codes (a consent's purpose and decision) read as labels.
    with translation.override(language):
        purpose = translation.gettext("Sharing information with a named agency")
        decision = translation.gettext("Given")
    assert f"{purpose} · {decision} · " in detail and "sharing · given" not in detail


@pytest.mark.parametrize("language", ["km", "vi"])
def test_it_shows_form_errors_in_the_users_language(world, login, language):
    client = login(world.social_worker)
    client.post(reverse("set_language"), {"language": language})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("cases:new"),
        _intake(world, estimated_age="", birth_date=tomorrow.isoformat(), age_method="document", phone="012 345"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    with translation.override(language):
        expected = [
            translation.gettext("The birth date cannot be in the future."),
            translation.gettext("Write the phone number in international form, e.g. +85512345678."),
        ]
    assert "The birth date cannot be in the future." not in body
    for message in expected:
        assert message in body


def _untranslated(po: Path) -> list[str]:
    missing = []
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        if "#, fuzzy" in block:
            missing.append(block)
            continue
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", flags=re.M)
        empty = not msgstrs or any("".join(re.findall(r'"(.*)"', m)) == "" for m in msgstrs)
        if empty and "msgid" in block and not block.lstrip().startswith("#~"):
            missing.append(block)
    return missing


def test_it_has_complete_khmer_and_vietnamese_catalogues(tmp_path, settings):
    """Extract the strings afresh (as makemessages would) into a copy of the catalogues and
    check that nothing is missing or fuzzy."""
    copy = tmp_path / "casebridge"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "tests", "demo", "keys"))
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = os.getcwd()
    try:
        os.chdir(copy)
        call_command("makemessages", locale=["km", "vi"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    for language in ("km", "vi"):
        missing = _untranslated(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        assert missing == [], f"{language}: {len(missing)} untranslated, first: {missing[:1]}"
