"""The wellbeing instrument counsellors start with: the WHO-5 Well-Being Index, raw score 0–25."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Instrument = apps.get_model("restoration", "Instrument")
    Instrument.objects.get_or_create(
        code="who5",
        defaults={
            "name": "WHO-5 Well-Being Index",
            "name_km": "សន្ទស្សន៍សុខុមាលភាព WHO-5",
            "name_vi": "Chỉ số hạnh phúc WHO-5",
            "min_score": 0,
            "max_score": 25,
            "higher_is_better": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("restoration", "0003_care")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
