"""The cuts of the statistics: principal, municipality of residence, area, unit and lane.

- municipality and area are the individual's (municipality of residence, NOSAM area of
  residence);
- principal, unit and lane are the parties' units: an episode belongs to a unit's figures
  when the unit takes part in it (and was not removed as misdirected);
- `unit_area` (used on a unit's page to compare with its area) is the area of a party unit.

For acknowledgements, which belong to one recipient unit, unit, lane, principal and unit area
apply to the recipient unit of each admission notice instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.db.models import Exists, OuterRef, Q

from core.errors import ActionError
from episodes.models import Party
from organisations.models import CARE_LANES, Area, Lane, Principal, PrincipalKind, Unit


@dataclass(frozen=True)
class Filters:
    principal: Principal | None = None
    municipality: Principal | None = None
    area: Area | None = None
    unit: Unit | None = None
    lane: str | None = None
    unit_area: Area | None = None

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.principal, self.municipality, self.area, self.unit, self.lane, self.unit_area)
        )

    def episode_q(self, episode_field: str = "episode_id", prefix: str = "episode__") -> Q:
        """Conditions on the episode reached through `prefix` (whose id is `episode_field`)."""
        q = Q()
        if self.municipality:
            q &= Q(**{f"{prefix}individual__municipality": self.municipality})
        if self.area:
            q &= Q(**{f"{prefix}individual__residence_area": self.area})
        parties = Party.objects.filter(episode_id=OuterRef(episode_field), removed_at__isnull=True)
        if self.principal:
            q &= Q(Exists(parties.filter(unit__principal=self.principal)))
        if self.unit:
            q &= Q(Exists(parties.filter(unit=self.unit)))
        if self.lane:
            q &= Q(Exists(parties.filter(unit__lane=self.lane)))
        if self.unit_area:
            q &= Q(Exists(parties.filter(unit__area=self.unit_area)))
        return q

    def message_q(self) -> Q:
        """Conditions on admission-notice messages: the recipient unit stands for the unit."""
        q = Q()
        if self.municipality:
            q &= Q(episode__individual__municipality=self.municipality)
        if self.area:
            q &= Q(episode__individual__residence_area=self.area)
        if self.principal:
            q &= Q(recipient_unit__principal=self.principal)
        if self.unit:
            q &= Q(recipient_unit=self.unit)
        if self.lane:
            q &= Q(recipient_unit__lane=self.lane)
        if self.unit_area:
            q &= Q(recipient_unit__area=self.unit_area)
        return q

    def as_query(self) -> dict[str, str]:
        query = {}
        for name in ("principal", "municipality", "area", "unit", "unit_area"):
            value = getattr(self, name)
            if value is not None:
                query[name] = str(value.public_id)
        if self.lane:
            query["lane"] = self.lane
        return query

    def describe(self) -> list[tuple[str, str]]:
        """(Swedish label, value) for every filter in use, for pages and export files."""
        rows = []
        if self.principal:
            rows.append(("Huvudman (deltagande enhet)", self.principal.name))
        if self.municipality:
            rows.append(("Folkbokföringskommun", self.municipality.name))
        if self.area:
            rows.append(("Område (NOSAM) där den enskilde bor", self.area.name))
        if self.unit:
            rows.append(("Enhet", self.unit.name))
        if self.lane:
            rows.append(("Simbana", str(Lane(self.lane).label)))
        if self.unit_area:
            rows.append(("Område (NOSAM) för deltagande enhet", self.unit_area.name))
        return rows


def _lookup(model, params, name: str, message: str, **conditions):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        raise ActionError(message, code="unknown", field=name) from None
    found = model.objects.filter(public_id=public_id, **conditions).first()
    if found is None:
        raise ActionError(message, code="unknown", field=name)
    return found


def parse_filters(params) -> Filters:
    """The filters chosen by GET parameters (public ids); unknown ones raise ActionError."""
    lane = (params.get("lane") or "").strip() or None
    if lane is not None and lane not in CARE_LANES:
        raise ActionError("Okänd simbana.", code="unknown", field="lane")
    return Filters(
        principal=_lookup(Principal, params, "principal", "Okänd huvudman."),
        municipality=_lookup(
            Principal, params, "municipality", "Okänd kommun.", kind=PrincipalKind.MUNICIPALITY
        ),
        area=_lookup(Area, params, "area", "Okänt område."),
        unit=_lookup(Unit, params, "unit", "Okänd enhet."),
        lane=lane,
        unit_area=_lookup(Area, params, "unit_area", "Okänt område."),
    )
