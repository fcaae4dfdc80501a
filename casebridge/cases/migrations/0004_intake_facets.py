from django.db import migrations, models


def fill_facets(apps, schema_editor):
    """Cases opened before the columns existed get their facets from the survivor's identity."""
    from casebridge.cases.models import intake_facets

    Case = apps.get_model("cases", "Case")
    batch = []
    for case in Case.objects.select_related("survivor").iterator(chunk_size=2000):
        for name, value in intake_facets(case.survivor, case.opened_on).items():
            setattr(case, name, value)
        batch.append(case)
        if len(batch) == 2000:
            Case.objects.bulk_update(batch, ["age_band", "sex", "nationality"])
            batch = []
    Case.objects.bulk_update(batch, ["age_band", "sex", "nationality"])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_reach_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='age_band',
            field=models.CharField(blank=True, choices=[('', 'age unknown'), ('0-8', '0-8'), ('9-14', '9-14'), ('15-17', '15-17'), ('18-20', '18-20'), ('21-23', '21-23'), ('24-26', '24-26'), ('27-29', '27-29'), ('30-38', '30-38'), ('39-47', '39-47'), ('48+', '48+')], default='', max_length=5, verbose_name='age band at intake'),
        ),
        migrations.AddField(
            model_name='case',
            name='nationality',
            field=models.CharField(blank=True, default='', max_length=2, verbose_name='nationality'),
        ),
        migrations.AddField(
            model_name='case',
            name='sex',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='sex / gender'),
        ),
        migrations.RunPython(fill_facets, migrations.RunPython.noop),
    ]
