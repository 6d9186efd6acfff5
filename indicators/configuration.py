"""The payment models and daily rates known from the sources (RESEARCH-NOTES.md 1.4-1.5),
loaded by `load_configuration` (and so by `migrate`).

Years without a confirmed rate (2021, 2024 onwards) get no row: the payment page then says the
rate is missing instead of guessing. Add them in the admin when Socialstyrelsen's figure is
known. A default row is created only when no general row (no region) covers any day of its
period, so a row an administrator edited, shortened or replaced is left as it is.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from core.configuration import register_loader
from indicators.models import Confidence, DailyRate, PaymentAgreement, PaymentModel

AGREEMENTS = [
    dict(
        model=PaymentModel.LAW_DEFAULT,
        valid_from=dt.date(2018, 1, 1),
        valid_to=dt.date(2018, 9, 24),
        source="Lag (2017:612) 5 kap.; VGR tillfällig överenskommelse 2018-01-01–2018-09-24",
        note="Lagens utfyllande regler; den tillfälliga överenskommelsens exakta villkor är inte "
        "verifierade.",
    ),
    dict(
        model=PaymentModel.VGR_AVERAGE,
        valid_from=dt.date(2018, 9, 25),
        valid_to=None,
        source="Överenskommelse VGR och kommunerna, från 2018-09-25 (vardsamverkan.se, VästKom)",
        note="Om senare versioner (HS-avtalet del C) ändrat 3,0 eller 7 dagar är inte verifierat.",
    ),
]

RATES = [
    dict(
        valid_from=dt.date(2018, 1, 1),
        valid_to=dt.date(2018, 9, 24),
        amount=Decimal(4277),
        confidence=Confidence.VERIFIED,
        source="VGR tillfällig överenskommelse 2018 (regionfullmäktige 2018-01-30)",
    ),
    dict(
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2019, 12, 31),
        amount=Decimal(7800),
        confidence=Confidence.VERIFIED,
        source="HSLF-FS 2018:67",
    ),
    dict(
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
        amount=Decimal(8200),
        confidence=Confidence.VERIFIED,
        source="Socialstyrelsen via GITS/VästKom 2020",
    ),
    dict(
        valid_from=dt.date(2022, 1, 1),
        valid_to=dt.date(2022, 12, 31),
        amount=Decimal(9300),
        confidence=Confidence.VERIFIED,
        source="Socialstyrelsen via vårdsamverkan Skåne 2021-12-14",
    ),
    dict(
        valid_from=dt.date(2023, 1, 1),
        valid_to=dt.date(2023, 12, 31),
        amount=Decimal(10500),
        confidence=Confidence.PROBABLE,
        source="En andrahandskälla; bekräfta mot HSLF-FS",
    ),
]


def _covered(model: type[PaymentAgreement] | type[DailyRate], row: dict) -> bool:
    """Whether a general row of `model` shares at least one day with the period of `row`."""
    rows = model.objects.filter(region__isnull=True).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=row["valid_from"])
    )
    if row["valid_to"] is not None:
        rows = rows.filter(valid_from__lte=row["valid_to"])
    return rows.exists()


def load_payment_configuration() -> str:
    """Create the default payment models and daily rates whose periods no row covers yet."""
    agreements = [row for row in AGREEMENTS if not _covered(PaymentAgreement, row)]
    for row in agreements:
        PaymentAgreement.objects.create(region=None, **row)
    rates = [row for row in RATES if not _covered(DailyRate, row)]
    for row in rates:
        DailyRate.objects.create(region=None, **row)
    return f"{len(agreements)} betalningsmodeller och {len(rates)} dygnskostnader skapade"


register_loader("indicators.payment", load_payment_configuration)
