"""The charge codes the legal compartment starts with: offences of the Law on Suppression of Human
Trafficking and Sexual Exploitation (NS/RKM/0208/005, 2008). The titles are descriptive (confirm
against the law's text before release); platform administrators keep the table."""

from django.db import migrations

CODES = [
    ("10", "Unlawful removal for the purpose of exploitation", "ការនាំចេញដោយខុសច្បាប់ក្នុងគោលបំណងធ្វើអាជីវកម្ម", "7-15 years; 15-20 years if the victim is a minor", True),
    ("12", "Selling, buying or exchanging a person for exploitation", "ការលក់ ទិញ ឬដោះដូរមនុស្សក្នុងគោលបំណងធ្វើអាជីវកម្ម", "", True),
    ("15", "Receiving a person for exploitation", "ការទទួលមនុស្សក្នុងគោលបំណងធ្វើអាជីវកម្ម", "", True),
    ("17", "Transporting a person for exploitation", "ការដឹកជញ្ជូនមនុស្សក្នុងគោលបំណងធ្វើអាជីវកម្ម", "", True),
    ("19", "Cross-border transport for exploitation", "ការដឹកជញ្ជូនឆ្លងព្រំដែនក្នុងគោលបំណងធ្វើអាជីវកម្ម", "", True),
    ("25", "Procurement of prostitution", "ការជួញដូរផ្លូវភេទ", "", False),
    ("27", "Aggravated procurement", "ការជួញដូរផ្លូវភេទដែលមានស្ថានទម្ងន់ទោស", "", True),
    ("28", "Procurement in relation to child prostitution", "ការជួញដូរផ្លូវភេទទាក់ទងនឹងពេស្យាកម្មកុមារ", "", True),
    ("29", "Procurement of prostitution (further forms)", "ការជួញដូរផ្លូវភេទ (ទម្រង់ផ្សេងទៀត)", "", False),
    ("30", "Managing an establishment for prostitution", "ការគ្រប់គ្រងទីកន្លែងសម្រាប់ពេស្យាកម្ម", "", False),
    ("32", "Providing premises for prostitution", "ការផ្តល់ទីកន្លែងសម្រាប់ពេស្យាកម្ម", "", False),
    ("34", "Purchase of child prostitution", "ការទិញពេស្យាកម្មកុមារ", "up to 15 years", True),
    ("35", "Intermediary in child prostitution", "អន្តរការីក្នុងពេស្យាកម្មកុមារ", "", True),
    ("42", "Sexual intercourse with a minor under 15", "ការរួមភេទជាមួយអនីតិជនអាយុក្រោម ១៥ ឆ្នាំ", "5-10 years", True),
    ("43", "Indecent act against a minor under 15", "អំពើអាសអាភាសលើអនីតិជនអាយុក្រោម ១៥ ឆ្នាំ", "1-3 years and a fine", True),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    ChargeCode = apps.get_model("legal", "ChargeCode")
    for article, title, title_km, penalty, minor in CODES:
        ChargeCode.objects.get_or_create(
            article=article,
            defaults={"title": title, "title_km": title_km, "penalty": penalty, "minor_aggravates": minor},
        )


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
