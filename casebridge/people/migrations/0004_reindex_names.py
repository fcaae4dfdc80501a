"""Rebuilt name tokens for everyone (issue 8); superseded by the search index of 0005, which
indexes everyone afresh, so nothing is left to do here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0003_romanisation")]

    operations: list = []
