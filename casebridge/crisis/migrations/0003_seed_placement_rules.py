from django.db import migrations

SEEDS = [
    {"name": "Under 18: an assessment centre first", "priority": 10, "under_age": 18, "service": "assessment"},
    {
        "name": "Vietnamese national: a partner with Vietnamese-speaking staff",
        "priority": 20,
        "nationality": "VN",
        "staff_language": "vie",
    },
]


def seed(apps, schema_editor):
    Rule = apps.get_model("crisis", "PlacementRule")
    for fields in SEEDS:
        if not Rule.objects.filter(name=fields["name"]).exists():
            Rule.objects.create(**fields)


class Migration(migrations.Migration):
    dependencies = [("crisis", "0002_care_records_rules_alerts")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
