"""The access log's retention, loaded by `load_configuration` (and so by `migrate`).

HSLF-FS 2016:40 asks that logs be kept long enough for follow-up, without naming a period.
The default is ten years, the shortest time a patient record is kept (patientdatalagen
3 kap. 17 §), so that "who read my record" can be answered as long as the record exists. The
care provider decides: an administrator adds a row with a later date to change it.
"""

import datetime as dt

from audit.models import LogRetention
from core.configuration import register_loader

DEFAULT_RETENTION = dict(
    valid_from=dt.date(2018, 1, 1),
    years=10,
    source="Antagande: journalens minsta bevarandetid, patientdatalagen (2008:355) 3 kap. 17 §",
)


def load_log_retention() -> str:
    """Create the default retention unless some retention row exists."""
    if LogRetention.objects.exists():
        return "0 gallringsfrister skapade"
    LogRetention.objects.create(**DEFAULT_RETENTION)
    return "1 gallringsfrist skapad"


register_loader("audit.log_retention", load_log_retention)
