"""Load the payment models and daily rates known from the sources (RESEARCH-NOTES.md 1.4-1.5).

Years without a confirmed rate (2021, 2024 onwards) get no row: the payment page then says the
rate is missing instead of guessing. Add them in the admin when Socialstyrelsen's figure is known.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

AGREEMENTS = [
    dict(model="law_default", valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2018, 9, 24),
         source="Lag (2017:612) 5 kap.; VGR tillfällig överenskommelse 2018-01-01–2018-09-24",
         note="Lagens utfyllande regler; den tillfälliga överenskommelsens exakta villkor är inte "
              "verifierade."),
    dict(model="vgr_average", valid_from=dt.date(2018, 9, 25), valid_to=None,
         source="Överenskommelse VGR och kommunerna, från 2018-09-25 (vardsamverkan.se, VästKom)",
         note="Om senare versioner (HS-avtalet del C) ändrat 3,0 eller 7 dagar är inte verifierat."),
]

RATES = [
    (dt.date(2018, 1, 1), dt.date(2018, 9, 24), 4277, "verified",
     "VGR tillfällig överenskommelse 2018 (regionfullmäktige 2018-01-30)"),
    (dt.date(2019, 1, 1), dt.date(2019, 12, 31), 7800, "verified", "HSLF-FS 2018:67"),
    (dt.date(2020, 1, 1), dt.date(2020, 12, 31), 8200, "verified", "Socialstyrelsen via GITS/VästKom 2020"),
    (dt.date(2022, 1, 1), dt.date(2022, 12, 31), 9300, "verified", "Socialstyrelsen via vårdsamverkan Skåne 2021-12-14"),
    (dt.date(2023, 1, 1), dt.date(2023, 12, 31), 10500, "probable", "En andrahandskälla; bekräfta mot HSLF-FS"),
]


def load(apps, schema_editor):
    PaymentAgreement = apps.get_model("indicators", "PaymentAgreement")
    DailyRate = apps.get_model("indicators", "DailyRate")
    for row in AGREEMENTS:
        PaymentAgreement.objects.get_or_create(model=row["model"], valid_from=row["valid_from"],
                                               region=None, defaults=row)
    for valid_from, valid_to, amount, confidence, source in RATES:
        DailyRate.objects.get_or_create(
            valid_from=valid_from, region=None,
            defaults=dict(valid_to=valid_to, amount=Decimal(amount), confidence=confidence, source=source),
        )


def unload(apps, schema_editor):
    apps.get_model("indicators", "PaymentAgreement").objects.filter(region=None).delete()
    apps.get_model("indicators", "DailyRate").objects.filter(region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
