"""No foreign-key constraints from audit events to users and agencies (see ``AuditEvent.actor``):
their check locked the user's and the agency's rows for every event appended."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from casebridge.audit import triggers


def reinstall_triggers(apps: Any, schema_editor: Any) -> None:
    # SQLite changes a constraint by copying the table into a new one, without its triggers.
    if schema_editor.connection.vendor == "sqlite":
        triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_partner_directory"),
        ("audit", "0004_contact_requests"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Either way: the table is copied afresh when the constraints go, and again when they return.
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="agency",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
