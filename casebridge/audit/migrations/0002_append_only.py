"""The chain head row, and triggers that refuse UPDATE, DELETE and TRUNCATE on audit events."""

from typing import Any

from django.db import migrations

from casebridge.audit import triggers


def forwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1, defaults={"last_hash": "0" * 64})
    triggers.install(schema_editor.connection)


def backwards(apps: Any, schema_editor: Any) -> None:
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
