"""The SIP section of the statistics dashboard and its CSV/Excel files (registered with
`indicators.sections` when the app is ready): the figures of `sip.statistics`, for the
dashboard's period and filters, no restated rule."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.filters import Filters
from indicators.periods import Period
from indicators.sections import Section, Table
from sip.statistics import Figures, by_group, sip_statistics

NOTE = gettext_lazy(
    "Räknat ur SIP:ens händelser i perioden (svensk tid), för SIP där en vald enhet, "
    "huvudman eller ett valt verksamhetsområde deltar eller den enskilde bor i vald kommun "
    "eller område. Upprättade: SIP vars första planversion sparades. Erbjudna vid "
    "utskrivning: svar på erbjudandet under ett vårdtillfälle. Kallelse i tid: kallelser "
    "under ett vårdtillfälle skickade senast vid arbetsbeskrivningens tidsgräns (tre dagar "
    "från gällande utskrivningsklarmeddelande, samma klocka som processmotorn). Vem kallar: "
    "kallelser per kallande enhet och huvudman. Samordnad vårdplan (LPT/LRV) räknas inte."
)


def _summary(total: Figures) -> Table:
    counts = [
        (_("Upprättade SIP"), total.drawn_up),
        (_("Erbjudna SIP"), total.offered),
        (_("Erbjudna vid utskrivning (under vårdtillfälle)"), total.offered_in_stay),
        (_("Samtyckta"), total.consented),
        (_("Avböjda"), total.declined),
        (_("Kallelser"), total.invited),
        (_("Kallelser med tidsgräns (under vårdtillfälle)"), total.invited_with_deadline),
        (_("Kallelser i tid"), total.invited_on_time),
        (_("Hållna SIP-möten"), total.held),
        (_("Avslutade"), total.closed),
        (_("Stoppade (samtycket återtaget)"), total.stopped),
    ]
    shares = [
        (_("Kallelse inom tre dagar från utskrivningsklar"), total.share_invited_on_time),
        (_("Den enskilde deltog i mötet"), total.share_individual_took_part),
        (_("Uppföljningar i tid"), total.share_followed_up_on_time),
    ]
    return Table(
        title=_("SIP i urvalet"),
        header=[_("Mått"), _("Antal"), _("Andel")],
        measures=["text", "count", "share"],
        rows=[[name, value, None] for name, value in counts]
        + [[name, None, value] for name, value in shares],
    )


def _who_invites(period: Period, filters: Filters, by: str, title: str, group: str) -> Table:
    rows, _total = sip_statistics(period.start, period.end, by=by, filters=filters)
    table = Table(
        title=title,
        header=[group, _("Kallelser"), _("Kallelse i tid"), _("Upprättade SIP")],
        measures=["text", "count", "share", "count"],
    )
    for name, figures in by_group(rows):
        if figures.invited or figures.drawn_up:
            table.rows.append(
                [name, figures.invited, figures.share_invited_on_time, figures.drawn_up]
            )
    return table


def build(period: Period, filters: Filters) -> list[Table]:
    _rows, total = sip_statistics(period.start, period.end, by="unit", filters=filters)
    return [
        _summary(total),
        _who_invites(period, filters, "principal", _("Vem kallar: per huvudman"), _("Huvudman")),
        _who_invites(period, filters, "unit", _("Vem kallar: per enhet"), _("Enhet")),
    ]


def register() -> None:
    from indicators.sections import register as add

    add(
        Section(
            key="sip",
            title=gettext_lazy("SIP – samordnad individuell plan"),
            note=NOTE,
            build=build,
            link="sip_statistics",
            sheet="SIP",
        )
    )
