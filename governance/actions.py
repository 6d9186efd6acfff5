"""Every change in governance: each `do_*` checks, writes and records a `ChangeRecord` in one
transaction, or raises `ActionError` (a Swedish message naming the field) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ActionError
from core.mail import absolute_url, notify
from governance.access import (
    is_governance_admin,
    may_edit_group,
    may_manage_documents,
    require_edit,
)
from governance.files import CheckedFile, check_upload
from governance.metrics import value_of
from governance.models import (
    EDITING_ROLES,
    UNIT_OF_MEASURE,
    ActionPlan,
    ActivityState,
    ActivityStatus,
    AnnualReport,
    Assignment,
    ChangeRecord,
    DocumentKind,
    DocumentQuestion,
    Event,
    EventKind,
    EventParticipation,
    FocusArea,
    FollowUp,
    GoverningDocument,
    Group,
    GroupKind,
    GroupMember,
    GroupRole,
    ManualValue,
    Metric,
    MetricKind,
    MetricReading,
    MetricUnit,
    PlanActivity,
    ReportBack,
    SubGoal,
)
from governance.sources import BY_KEY as SOURCES
from governance.sources import source_name
from indicators.periods import Period
from organisations.models import Area, Lane, Membership, Principal, Role, Unit, User
from process.models import ActivityDefinition

MAX_TEXT = 4000
MAX_SHORT = 300


def _record(actor: User | None, change: str, subject, **data) -> None:
    ChangeRecord.objects.create(
        actor=actor,
        kind=change,
        subject=type(subject).__name__,
        subject_id=str(getattr(subject, "public_id", None) or subject.pk),
        data=data,
    )


def _text(value: str | None, *, field: str, limit: int = MAX_TEXT, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Fältet måste fyllas i."), code="required", field=field)
    if len(value) > limit:
        raise ActionError(
            _("Texten är för lång (%(length)d tecken, högst %(limit)d).")
            % {"length": len(value), "limit": limit},
            code="too_long",
            field=field,
        )
    return value


# -- groups ---------------------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if not is_governance_admin(actor):
        raise ActionError(
            _("Bara en administratör får ändra samverkansstrukturen."), code="forbidden"
        )


def _check_no_loop(group: Group | None, parent: Group | None) -> None:
    seen = set()
    while parent is not None:
        if group is not None and parent.pk == group.pk or parent.pk in seen:
            raise ActionError(
                _("En grupp kan inte rapportera till sig själv, direkt eller via andra grupper."),
                code="loop",
                field="parent",
            )
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def do_create_group(
    actor: User,
    *,
    name: str,
    kind: str,
    parent: Group | None = None,
    area: Area | None = None,
    description: str = "",
) -> Group:
    _require_admin(actor)
    name = _text(name, field="name", limit=200, required=True)
    if kind not in GroupKind.values:
        raise ActionError(_("Välj en typ av grupp."), code="invalid", field="kind")
    if Group.objects.filter(name__iexact=name).exists():
        raise ActionError(_("Det finns redan en grupp med det namnet."), code="taken", field="name")
    group = Group.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        area=area,
        description=_text(description, field="description"),
    )
    _record(
        actor, "group_created", group, name=name, group_kind=kind, parent=parent and parent.name
    )
    return group


@transaction.atomic
def do_set_parent(actor: User, group: Group, parent: Group | None) -> Group:
    _require_admin(actor)
    _check_no_loop(group, parent)
    before = group.parent.name if group.parent else None
    group.parent = parent
    group.save(update_fields=["parent"])
    _record(actor, "group_moved", group, before=before, after=parent.name if parent else None)
    return group


@transaction.atomic
def do_add_member(
    actor: User,
    group: Group,
    *,
    role: str,
    user: User | None = None,
    title: str = "",
    organisation: Principal | None = None,
    mandate: str = "",
) -> GroupMember:
    _require_admin(actor)
    if role not in GroupRole.values:
        raise ActionError(_("Välj en roll i gruppen."), code="invalid", field="role")
    title = _text(title, field="title", limit=200)
    if user is None and not title:
        raise ActionError(
            _("Ange en användare eller en funktion (t.ex. ”Enhetschef hemtjänst”)."),
            code="required",
            field="title",
        )
    member = GroupMember.objects.create(
        group=group,
        user=user,
        title=title,
        organisation=organisation,
        role=role,
        mandate=_text(mandate, field="mandate", limit=400),
    )
    _record(actor, "member_added", group, member=member.display_name, role=role)
    return member


# -- action plans ---------------------------------------------------------------------------------


@dataclass
class ActivityInput:
    text: str
    responsible_organisation: Principal | None = None
    responsible_role: str = ""
    responsible_person: str = ""


@dataclass
class MetricInput:
    kind: str  # live | manual
    indicator_key: str = ""
    filters: dict[str, str] | None = None  # None: the group's area
    name: str = ""
    unit: str = ""
    target: float | None = None


@dataclass
class SubGoalInput:
    text: str
    communication_plan: str = ""
    result: str = ""
    activities: list[ActivityInput] = field(default_factory=list)
    metrics: list[MetricInput] = field(default_factory=list)


@dataclass
class FocusAreaInput:
    title: str
    sub_goals: list[SubGoalInput] = field(default_factory=list)


@dataclass
class PlanInput:
    title: str
    period_start: dt.date
    period_end: dt.date
    purpose: str = ""
    target_group: str = ""
    goal: str = ""
    basis: str = ""
    follow_ups_per_year: int = 2
    focus_areas: list[FocusAreaInput] = field(default_factory=list)


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ActionError(
            _("Planperiodens slut ligger före dess början."),
            code="period_reversed",
            field="period_end",
        )
    if (end - start).days > 5 * 366:
        raise ActionError(
            _("En handlingsplan gäller högst fem år."), code="period_too_long", field="period_end"
        )


def _activity_fields(data: ActivityInput, prefix: str = "") -> dict:
    values = dict(
        text=_text(data.text, field=f"{prefix}text", required=True),
        responsible_organisation=data.responsible_organisation,
        responsible_role=_text(data.responsible_role, field=f"{prefix}responsible_role", limit=200),
        responsible_person=_text(
            data.responsible_person, field=f"{prefix}responsible_person", limit=200
        ),
    )
    if not (
        values["responsible_organisation"]
        or values["responsible_role"]
        or values["responsible_person"]
    ):
        raise ActionError(
            _("Ange vem som är ansvarig för aktiviteten: organisation, roll eller person."),
            code="responsible_required",
            field=f"{prefix}responsible",
        )
    return values


def _metric_fields(data: MetricInput, group: Group, prefix: str = "") -> dict:
    """The checked columns of a metric; refuses an unknown indicator, a filter the statistics
    do not take, a target in another unit than the indicator's."""
    target = data.target
    if data.kind == MetricKind.LIVE:
        source = SOURCES.get((data.indicator_key or "").strip())
        if source is None:
            raise ActionError(
                _("Nyckeltalet ”%(key)s” finns inte i statistiken.") % {"key": data.indicator_key},
                code="unknown_indicator",
                field=f"{prefix}indicator_key",
            )
        if data.filters is None:
            filters = {"area": str(group.area.public_id)} if group.area else {}
        else:
            filters = {k: str(v).strip() for k, v in data.filters.items() if str(v).strip()}
        for name in filters:
            if name not in source.filter_names:
                raise ActionError(
                    _("Nyckeltalet ”%(name)s” kan inte filtreras på ”%(filter)s”.")
                    % {"name": source.name, "filter": name},
                    code="unknown_filter",
                    field=f"{prefix}filters.{name}",
                )
        try:
            source.check(filters)
        except ActionError as error:
            raise ActionError(
                error.message, code=error.code, field=f"{prefix}filters.{error.field}"
            ) from None
        expected = UNIT_OF_MEASURE[source.measure]
        unit = (data.unit or expected).strip()
        if unit != expected:
            raise ActionError(
                _("Målvärdet för ”%(name)s” anges i %(expected)s, inte i %(given)s.")
                % {
                    "name": source.name,
                    "expected": MetricUnit(expected).label,
                    "given": MetricUnit(unit).label if unit in MetricUnit.values else unit,
                },
                code="wrong_unit",
                field=f"{prefix}unit",
            )
        name = source_name(source.key, filters)
    elif data.kind == MetricKind.MANUAL:
        name = _text(data.name, field=f"{prefix}name", limit=MAX_SHORT, required=True)
        unit = (data.unit or "").strip()
        if unit not in MetricUnit.values:
            raise ActionError(
                _("Välj en enhet för måttet (procent, antal, dagar, timmar eller tal)."),
                code="invalid_unit",
                field=f"{prefix}unit",
            )
        filters = {}
    else:
        raise ActionError(
            _("Välj om måttet mäts i Samsyn eller förs in för hand."),
            code="invalid",
            field=f"{prefix}kind",
        )
    if target is not None:
        if unit == MetricUnit.PERCENT and not 0 <= target <= 100:
            raise ActionError(
                _("Ett målvärde i procent ligger mellan 0 och 100."),
                code="wrong_unit",
                field=f"{prefix}target",
            )
        if unit == MetricUnit.COUNT and (target < 0 or target != int(target)):
            raise ActionError(
                _("Ett målvärde i antal är ett heltal, 0 eller större."),
                code="wrong_unit",
                field=f"{prefix}target",
            )
        if target < 0:
            raise ActionError(
                _("Målvärdet kan inte vara negativt."), code="out_of_range", field=f"{prefix}target"
            )
    return dict(
        kind=data.kind,
        name=name,
        indicator_key=data.indicator_key.strip() if data.kind == MetricKind.LIVE else "",
        filters=filters,
        unit=unit,
        target=target,
    )


def _add_sub_goal(focus: FocusArea, data: SubGoalInput, position: int, prefix: str) -> SubGoal:
    sub_goal = SubGoal.objects.create(
        focus_area=focus,
        position=position,
        text=_text(data.text, field=f"{prefix}text", required=True),
        communication_plan=_text(data.communication_plan, field=f"{prefix}communication_plan"),
        result=_text(data.result, field=f"{prefix}result"),
    )
    for i, activity in enumerate(data.activities):
        PlanActivity.objects.create(
            sub_goal=sub_goal,
            position=i,
            **_activity_fields(activity, f"{prefix}activities.{i}."),
        )
    group = focus.plan.group
    for i, metric in enumerate(data.metrics):
        Metric.objects.create(
            sub_goal=sub_goal, **_metric_fields(metric, group, f"{prefix}metrics.{i}.")
        )
    return sub_goal


@transaction.atomic
def do_create_plan(actor: User, group: Group, data: PlanInput) -> ActionPlan:
    """A plan with its focus areas, sub-goals, activities and metrics, all or nothing."""
    require_edit(actor, group)
    _check_period(data.period_start, data.period_end)
    if data.follow_ups_per_year not in (1, 2, 3, 4):
        raise ActionError(
            _("Uppföljning sker en till fyra gånger per år."),
            code="out_of_range",
            field="follow_ups_per_year",
        )
    plan = ActionPlan.objects.create(
        group=group,
        title=_text(data.title, field="title", limit=200, required=True),
        period_start=data.period_start,
        period_end=data.period_end,
        purpose=_text(data.purpose, field="purpose"),
        target_group=_text(data.target_group, field="target_group"),
        goal=_text(data.goal, field="goal"),
        basis=_text(data.basis, field="basis"),
        follow_ups_per_year=data.follow_ups_per_year,
        created_by=actor,
    )
    for i, focus_data in enumerate(data.focus_areas):
        prefix = f"focus_areas.{i}."
        focus = FocusArea.objects.create(
            plan=plan,
            position=i,
            title=_text(focus_data.title, field=f"{prefix}title", limit=MAX_SHORT, required=True),
        )
        for j, sub_goal in enumerate(focus_data.sub_goals):
            _add_sub_goal(focus, sub_goal, j, f"{prefix}sub_goals.{j}.")
    _record(actor, "plan_created", plan, title=plan.title, group=group.name)
    return plan


@transaction.atomic
def do_add_focus_area(actor: User, plan: ActionPlan, title: str) -> FocusArea:
    require_edit(actor, plan.group)
    focus = FocusArea.objects.create(
        plan=plan,
        position=plan.focus_areas.count(),
        title=_text(title, field="title", limit=MAX_SHORT, required=True),
    )
    _record(actor, "focus_area_added", plan, title=focus.title)
    return focus


@transaction.atomic
def do_add_sub_goal(actor: User, focus: FocusArea, data: SubGoalInput) -> SubGoal:
    require_edit(actor, focus.plan.group)
    sub_goal = _add_sub_goal(focus, data, focus.sub_goals.count(), "")
    _record(actor, "sub_goal_added", focus.plan, text=sub_goal.text)
    return sub_goal


@transaction.atomic
def do_add_activity(actor: User, sub_goal: SubGoal, data: ActivityInput) -> PlanActivity:
    plan = sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    activity = PlanActivity.objects.create(
        sub_goal=sub_goal, position=sub_goal.activities.count(), **_activity_fields(data)
    )
    _record(actor, "activity_added", plan, text=activity.text, responsible=activity.responsible)
    return activity


@transaction.atomic
def do_add_metric(actor: User, sub_goal: SubGoal, data: MetricInput) -> Metric:
    plan = sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    metric = Metric.objects.create(sub_goal=sub_goal, **_metric_fields(data, plan.group))
    _record(actor, "metric_added", plan, name=metric.name, metric_kind=metric.kind)
    return metric


@transaction.atomic
def do_record_manual_value(
    actor: User, metric: Metric, *, value: float, measured_on: dt.date
) -> ManualValue:
    plan = metric.sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    if metric.kind != MetricKind.MANUAL:
        raise ActionError(
            _("Måttet mäts i Samsyn: dess värde förs inte in för hand."),
            code="live_metric",
            field="value",
        )
    if value < 0 or (metric.unit == MetricUnit.PERCENT and value > 100):
        raise ActionError(
            _("Värdet ligger utanför det möjliga för måttets enhet."),
            code="out_of_range",
            field="value",
        )
    row = ManualValue.objects.create(
        metric=metric, value=value, measured_on=measured_on, recorded_by=actor
    )
    _record(actor, "manual_value", plan, metric=metric.name, value=value, on=str(measured_on))
    return row


# -- editing and removing what a plan holds --------------------------------------------------------
#
# A follow-up keeps each activity's status and a copy of each metric's value: an activity or a
# metric that a follow-up has recorded stays (its history would go with it), and a followed-up
# metric keeps what it measures (its readings would no longer mean the same) — only its name
# and target change.


def _followed_up(activities, metrics) -> bool:
    return (
        ActivityStatus.objects.filter(activity__in=activities).exists()
        or MetricReading.objects.filter(metric__in=metrics).exists()
    )


def _refuse_followed_up(what: str) -> None:
    raise ActionError(
        _(
            "%(what)s finns med i en uppföljning och kan inte tas bort: uppföljningens historik "
            "ska finnas kvar. Markera en aktivitet som avbruten vid nästa uppföljning i stället."
        )
        % {"what": what},
        code="followed_up",
    )


@transaction.atomic
def do_edit_focus_area(actor: User, focus: FocusArea, title: str) -> FocusArea:
    plan = focus.plan
    require_edit(actor, plan.group)
    before = focus.title
    focus.title = _text(title, field="title", limit=MAX_SHORT, required=True)
    focus.save(update_fields=["title"])
    _record(actor, "focus_area_edited", plan, before=before, after=focus.title)
    return focus


@transaction.atomic
def do_delete_focus_area(actor: User, focus: FocusArea) -> None:
    plan = focus.plan
    require_edit(actor, plan.group)
    if _followed_up(
        PlanActivity.objects.filter(sub_goal__focus_area=focus),
        Metric.objects.filter(sub_goal__focus_area=focus),
    ):
        _refuse_followed_up(_("Fokusområdet"))
    title = focus.title
    focus.delete()
    _record(actor, "focus_area_removed", plan, title=title)


@transaction.atomic
def do_edit_sub_goal(
    actor: User, sub_goal: SubGoal, *, text: str, communication_plan: str = "", result: str = ""
) -> SubGoal:
    plan = sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    before = sub_goal.text
    sub_goal.text = _text(text, field="text", required=True)
    sub_goal.communication_plan = _text(communication_plan, field="communication_plan")
    sub_goal.result = _text(result, field="result")
    sub_goal.save(update_fields=["text", "communication_plan", "result"])
    _record(actor, "sub_goal_edited", plan, before=before, after=sub_goal.text)
    return sub_goal


@transaction.atomic
def do_delete_sub_goal(actor: User, sub_goal: SubGoal) -> None:
    plan = sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    if _followed_up(sub_goal.activities.all(), sub_goal.metrics.all()):
        _refuse_followed_up(_("Delmålet"))
    text = sub_goal.text
    sub_goal.delete()
    _record(actor, "sub_goal_removed", plan, text=text)


@transaction.atomic
def do_edit_activity(actor: User, activity: PlanActivity, data: ActivityInput) -> PlanActivity:
    plan = activity.sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    before = {"text": activity.text, "responsible": activity.responsible}
    for name, value in _activity_fields(data).items():
        setattr(activity, name, value)
    activity.save()
    _record(
        actor,
        "activity_edited",
        plan,
        before=before,
        after={"text": activity.text, "responsible": activity.responsible},
    )
    return activity


@transaction.atomic
def do_delete_activity(actor: User, activity: PlanActivity) -> None:
    plan = activity.sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    if ActivityStatus.objects.filter(activity=activity).exists():
        _refuse_followed_up(_("Aktiviteten"))
    text = activity.text
    activity.delete()
    _record(actor, "activity_removed", plan, text=text)


MEASURED = ("kind", "indicator_key", "filters", "unit")


@transaction.atomic
def do_edit_metric(actor: User, metric: Metric, data: MetricInput) -> Metric:
    plan = metric.sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    values = _metric_fields(data, plan.group)
    changed = [name for name in MEASURED if values[name] != getattr(metric, name)]
    if changed and MetricReading.objects.filter(metric=metric).exists():
        raise ActionError(
            _(
                "Måttet finns med i en uppföljning: bara namn och målvärde kan ändras. Lägg "
                "till ett nytt mått för att mäta något annat."
            ),
            code="followed_up",
            field=changed[0],
        )
    before = {"name": metric.name, "target": metric.target}
    for name, value in values.items():
        setattr(metric, name, value)
    metric.save()
    _record(
        actor,
        "metric_edited",
        plan,
        before=before,
        after={"name": metric.name, "target": metric.target},
        changed=changed,
    )
    return metric


@transaction.atomic
def do_delete_metric(actor: User, metric: Metric) -> None:
    plan = metric.sub_goal.focus_area.plan
    require_edit(actor, plan.group)
    if MetricReading.objects.filter(metric=metric).exists():
        _refuse_followed_up(_("Måttet"))
    name = metric.name
    metric.delete()
    _record(actor, "metric_removed", plan, name=name)


@dataclass
class StatusInput:
    activity_id: int
    state: str
    result: str = ""


@dataclass
class FollowUpInput:
    held_on: dt.date
    covers_start: dt.date
    covers_end: dt.date
    notes: str = ""
    statuses: list[StatusInput] = field(default_factory=list)


@transaction.atomic
def do_hold_follow_up(actor: User, plan: ActionPlan, data: FollowUpInput) -> FollowUp:
    """A follow-up of part of the plan period: each activity's status and result, and every
    metric's value for the period followed up, kept as it was (earlier follow-ups stay)."""
    require_edit(actor, plan.group)
    if data.covers_end < data.covers_start:
        raise ActionError(
            _("Uppföljningsperiodens slut ligger före dess början."),
            code="period_reversed",
            field="covers_end",
        )
    if data.covers_start < plan.period_start or data.covers_end > plan.period_end:
        raise ActionError(
            _("Uppföljningen måste gälla en period inom planens period (%(start)s – %(end)s).")
            % {"start": plan.period_start, "end": plan.period_end},
            code="outside_plan_period",
            field="covers_start" if data.covers_start < plan.period_start else "covers_end",
        )
    if data.held_on < data.covers_start:
        raise ActionError(
            _("Uppföljningsmötet kan inte hållas före perioden det följer upp."),
            code="held_before_period",
            field="held_on",
        )
    activities = {a.pk: a for a in PlanActivity.objects.filter(sub_goal__focus_area__plan=plan)}
    follow_up = FollowUp.objects.create(
        plan=plan,
        held_on=data.held_on,
        covers_start=data.covers_start,
        covers_end=data.covers_end,
        notes=_text(data.notes, field="notes"),
        recorded_by=actor,
    )
    seen = set()
    for i, status in enumerate(data.statuses):
        activity = activities.get(status.activity_id)
        if activity is None or status.activity_id in seen:
            raise ActionError(
                _("Aktiviteten hör inte till planen eller står två gånger."),
                code="unknown_activity",
                field=f"statuses.{i}.activity",
            )
        if status.state not in ActivityState.values:
            raise ActionError(
                _("Välj en status för aktiviteten."), code="invalid", field=f"statuses.{i}.state"
            )
        seen.add(status.activity_id)
        ActivityStatus.objects.create(
            follow_up=follow_up,
            activity=activity,
            state=status.state,
            result=_text(status.result, field=f"statuses.{i}.result"),
        )
    period = Period.custom(data.covers_start, data.covers_end)
    for metric in Metric.objects.filter(sub_goal__focus_area__plan=plan):
        MetricReading.objects.create(
            follow_up=follow_up, metric=metric, value=value_of(metric, period)
        )
    _record(
        actor,
        "follow_up_held",
        plan,
        held_on=str(data.held_on),
        covers=[str(data.covers_start), str(data.covers_end)],
        statuses=len(seen),
    )
    return follow_up


# -- governing documents --------------------------------------------------------------------------


@dataclass
class DocumentInput:
    title: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    version: str = ""
    owner_group: Group | None = None
    owner_organisation: Principal | None = None
    next_review: dt.date | None = None
    link: str = ""
    summary: str = ""
    lanes: list[str] = field(default_factory=list)
    activity_keys: list[str] = field(default_factory=list)
    contact: str = ""
    replaces: GoverningDocument | None = None
    file: object | None = None  # an uploaded file (governance.files.check_upload)


def _require_documents(actor: User) -> None:
    if not may_manage_documents(actor):
        raise ActionError(
            _("Bara processledare och administratörer för registret över styrande dokument."),
            code="forbidden",
        )


def _check_replacement(document: GoverningDocument, replaced_by: GoverningDocument) -> None:
    """Refuses a replaced-by chain that comes back to `document`."""
    # Read from the database: the objects in hand may be older than the chain.
    current: int | None = replaced_by.pk
    seen = set()
    while current is not None:
        if current == document.pk or current in seen:
            raise ActionError(
                _("Dokumentet kan inte ersättas av sig självt, direkt eller via andra dokument."),
                code="replacement_loop",
                field="replaced_by",
            )
        seen.add(current)
        current = (
            GoverningDocument.objects.filter(pk=current)
            .values_list("replaced_by_id", flat=True)
            .first()
        )


def _document_fields(data: DocumentInput) -> dict:
    if data.kind not in DocumentKind.values:
        raise ActionError(_("Välj vilken sorts dokument det är."), code="invalid", field="kind")
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise ActionError(
            _("Dokumentet kan inte sluta gälla före den dag det börjar gälla."),
            code="validity_reversed",
            field="valid_to",
        )
    link = (data.link or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ActionError(
                _("Länken ska vara en webbadress som börjar med https://."),
                code="invalid_link",
                field="link",
            ) from None
    for lane in data.lanes:
        if lane not in Lane.values:
            raise ActionError(_("Okänd simbana."), code="unknown", field="lanes")
    keys = sorted({k.strip() for k in data.activity_keys if k.strip()})
    known = set(ActivityDefinition.objects.filter(key__in=keys).values_list("key", flat=True))
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ActionError(
            _("Aktiviteten %(keys)s finns inte i arbetsbeskrivningen.")
            % {"keys": ", ".join(unknown)},
            code="unknown_activity",
            field="activity_keys",
        )
    return dict(
        title=_text(data.title, field="title", limit=MAX_SHORT, required=True),
        kind=data.kind,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        version=_text(data.version, field="version", limit=40),
        owner_group=data.owner_group,
        owner_organisation=data.owner_organisation,
        next_review=data.next_review,
        link=link,
        summary=_text(data.summary, field="summary", limit=20000),
        lanes=sorted(set(data.lanes)),
        activity_keys=keys,
        contact=_text(data.contact, field="contact", limit=MAX_SHORT),
    )


@transaction.atomic
def do_register_document(actor: User, data: DocumentInput) -> GoverningDocument:
    """A document in the register; with `replaces`, the earlier version is marked replaced
    by this one (and so no longer in force)."""
    _require_documents(actor)
    checked = check_upload(data.file) if data.file is not None else None
    document = GoverningDocument.objects.create(**_document_fields(data))
    if data.replaces is not None:
        old = GoverningDocument.objects.select_for_update().get(pk=data.replaces.pk)
        if old.replaced_by_id is not None:
            raise ActionError(
                _("Dokumentet är redan ersatt av ett annat."),
                code="already_replaced",
                field="replaces",
            )
        _check_replacement(old, document)
        old.replaced_by = document
        old.save(update_fields=["replaced_by"])
        _record(actor, "document_replaced", old, replaced_by=str(document.public_id))
    if checked is not None:
        _store_file(document, checked)
    _record(actor, "document_registered", document, title=document.title, file=document.file_name)
    return document


def _store_file(document: GoverningDocument, checked: CheckedFile) -> None:
    document.file.save(f"{document.public_id}/{checked.name}", checked.upload, save=False)
    document.file_name = checked.name
    document.file_type = checked.content_type
    document.file_size = checked.size
    document.save(update_fields=["file", "file_name", "file_type", "file_size"])


@transaction.atomic
def do_attach_file(actor: User, document: GoverningDocument, upload) -> GoverningDocument:
    """The file of a version registered without one; a version's file is never replaced."""
    _require_documents(actor)
    document = GoverningDocument.objects.select_for_update().get(pk=document.pk)
    if document.file:
        raise ActionError(
            _("Versionen har redan en fil: registrera en ny version för en ny fil."),
            code="has_file",
            field="file",
        )
    checked = check_upload(upload)
    _store_file(document, checked)
    _record(actor, "document_file_attached", document, file=document.file_name)
    return document


@transaction.atomic
def do_set_replaced_by(
    actor: User, document: GoverningDocument, replaced_by: GoverningDocument | None
) -> GoverningDocument:
    _require_documents(actor)
    if replaced_by is not None:
        _check_replacement(document, replaced_by)
    document.replaced_by = replaced_by
    document.save(update_fields=["replaced_by"])
    _record(
        actor,
        "document_replaced",
        document,
        replaced_by=str(replaced_by.public_id) if replaced_by else None,
    )
    return document


@transaction.atomic
def do_carry_over(
    actor: User, plan: ActionPlan, *, title: str, period_start: dt.date, period_end: dt.date
) -> ActionPlan:
    """A new plan period for the same group: the plan's texts, focus areas, sub-goals and
    metrics, with the activities the latest follow-up did not mark done or cancelled."""
    require_edit(actor, plan.group)
    _check_period(period_start, period_end)
    if period_start <= plan.period_end:
        raise ActionError(
            _("Den nya planperioden ska börja efter %(end)s, då den här planen slutar.")
            % {"end": plan.period_end},
            code="overlapping_period",
            field="period_start",
        )
    latest: dict[int, str] = {}
    for status in ActivityStatus.objects.filter(follow_up__plan=plan).order_by(
        "follow_up__held_on", "follow_up_id"
    ):
        latest[status.activity_id] = status.state
    finished = {ActivityState.DONE, ActivityState.CANCELLED}
    new = ActionPlan.objects.create(
        group=plan.group,
        title=_text(title, field="title", limit=200, required=True),
        period_start=period_start,
        period_end=period_end,
        purpose=plan.purpose,
        target_group=plan.target_group,
        goal=plan.goal,
        basis=plan.basis,
        follow_ups_per_year=plan.follow_ups_per_year,
        created_by=actor,
    )
    carried = 0
    for focus in plan.focus_areas.prefetch_related("sub_goals__activities", "sub_goals__metrics"):
        new_focus = FocusArea.objects.create(plan=new, position=focus.position, title=focus.title)
        for sub_goal in focus.sub_goals.all():
            new_sub_goal = SubGoal.objects.create(
                focus_area=new_focus,
                position=sub_goal.position,
                text=sub_goal.text,
                communication_plan=sub_goal.communication_plan,
            )
            for activity in sub_goal.activities.all():
                if latest.get(activity.pk) in finished:
                    continue
                carried += 1
                PlanActivity.objects.create(
                    sub_goal=new_sub_goal,
                    position=activity.position,
                    text=activity.text,
                    responsible_organisation=activity.responsible_organisation,
                    responsible_role=activity.responsible_role,
                    responsible_person=activity.responsible_person,
                )
            for metric in sub_goal.metrics.all():
                Metric.objects.create(
                    sub_goal=new_sub_goal,
                    kind=metric.kind,
                    name=metric.name,
                    indicator_key=metric.indicator_key,
                    filters=metric.filters,
                    unit=metric.unit,
                    target=metric.target,
                )
    _record(actor, "plan_carried_over", new, source=str(plan.public_id), activities=carried)
    return new


MAX_QUESTION = 2000


@transaction.atomic
def do_ask_about_document(actor: User, document: GoverningDocument, text: str) -> DocumentQuestion:
    """Any logged-in user asks how a document is to be read; it waits for the owner's answer."""
    question = DocumentQuestion.objects.create(
        document=document,
        text=_text(text, field="text", limit=MAX_QUESTION, required=True),
        asked_by=actor,
    )
    recipients = owner_addresses(document)
    # Whom it concerns and a link; the question itself is read in Samsyn.
    link = absolute_url(reverse("governance:document", args=[document.public_id]))
    notify(
        recipients,
        _("Samsyn: en fråga om ”%(title)s”") % {"title": document.title[:120]},
        _(
            "Någon har ställt en fråga om hur dokumentet ”%(title)s” ska tolkas. Som dess ägare "
            "besvarar ni den i Samsyn, och svaret publiceras vid dokumentet:"
        )
        % {"title": document.title}
        + f"\n\n{link}\n",
    )
    _record(
        actor,
        "document_question",
        document,
        question=str(question.public_id),
        notified=len(recipients),
    )
    return question


def owner_addresses(document: GoverningDocument) -> list[str]:
    """Who answers for the document by e-mail: the owner group's process owner and leaders,
    or the owner organisation's process leaders; and the contact, if it is an address."""
    addresses: set[str] = set()
    if document.owner_group_id is not None:
        addresses.update(
            GroupMember.objects.filter(
                group_id=document.owner_group_id, role__in=EDITING_ROLES, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    elif document.owner_organisation_id is not None:
        addresses.update(
            Membership.objects.filter(
                unit__principal_id=document.owner_organisation_id,
                role=Role.PROCESS_LEADER,
                user__is_active=True,
            )
            # in force today, at an active unit (as `User.active_memberships`)
            .filter(valid_from__lte=timezone.localdate(), unit__is_active=True)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    contact = document.contact.strip()
    try:
        validate_email(contact)
    except ValidationError:
        pass
    else:
        addresses.add(contact)
    return sorted(a for a in addresses if a)


def may_answer(actor: User, document: GoverningDocument) -> bool:
    """The owner group's process owner or leaders, or the register's keepers, answer."""
    if document.owner_group is not None and may_edit_group(actor, document.owner_group):
        return True
    return may_manage_documents(actor)


@transaction.atomic
def do_answer_question(actor: User, question: DocumentQuestion, answer: str) -> DocumentQuestion:
    question = DocumentQuestion.objects.select_for_update().get(pk=question.pk)
    if not may_answer(actor, question.document):
        raise ActionError(
            _("Bara dokumentets ägare eller registrets processledare svarar på frågor."),
            code="forbidden",
        )
    if question.answered_at is not None:
        raise ActionError(_("Frågan är redan besvarad."), code="already_answered", field="answer")
    question.answer = _text(answer, field="answer", limit=MAX_QUESTION, required=True)
    question.answered_at = timezone.now()
    question.answered_by = actor
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    _record(actor, "document_answer", question.document, question=str(question.public_id))
    return question


# -- assignments ----------------------------------------------------------------------------------

ASSIGNMENT_TEXTS = (
    "commissioner",
    "decided_by",
    "recipients",
    "background",
    "purpose",
    "goal",
    "activities",
    "target_group",
    "communication",
    "timeline",
    "resources",
    "parties",
)


@dataclass
class AssignmentInput:
    title: str
    texts: dict[str, str] = field(default_factory=dict)  # the sections, by ASSIGNMENT_TEXTS
    report_questions: list[str] = field(default_factory=list)
    report_due_dates: list[dt.date] = field(default_factory=list)
    documents: list[GoverningDocument] = field(default_factory=list)


def _assignment_fields(data: AssignmentInput) -> dict:
    unknown = [k for k in data.texts if k not in ASSIGNMENT_TEXTS]
    if unknown:
        raise ActionError(_("Okänt avsnitt."), code="unknown", field=unknown[0])
    questions = [q.strip() for q in data.report_questions if q.strip()]
    if data.report_due_dates and not questions:
        raise ActionError(
            _("Ange de frågor som återrapporteringen ska besvara."),
            code="required",
            field="report_questions",
        )
    return dict(
        title=_text(data.title, field="title", limit=MAX_SHORT, required=True),
        report_questions=questions,
        report_due_dates=sorted({d.isoformat() for d in data.report_due_dates}),
        **{k: _text(data.texts.get(k, ""), field=k) for k in ASSIGNMENT_TEXTS},
    )


@transaction.atomic
def do_create_assignment(actor: User, group: Group, data: AssignmentInput) -> Assignment:
    """A draft assignment to `group` (administrators and the commissioning group's leaders)."""
    _require_documents(actor)
    assignment = Assignment.objects.create(group=group, **_assignment_fields(data))
    assignment.documents.set(data.documents)
    _record(actor, "assignment_created", assignment, title=assignment.title)
    return assignment


@transaction.atomic
def do_edit_assignment(actor: User, assignment: Assignment, data: AssignmentInput) -> Assignment:
    _require_documents(actor)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.decided_on is not None:
        raise ActionError(
            _("Uppdraget är beslutat: ändra det genom en ny version."),
            code="decided",
            field="version",
        )
    for name, value in _assignment_fields(data).items():
        setattr(assignment, name, value)
    assignment.save()
    assignment.documents.set(data.documents)
    _record(actor, "assignment_edited", assignment)
    return assignment


@transaction.atomic
def do_decide_assignment(actor: User, assignment: Assignment, decided_on: dt.date) -> Assignment:
    _require_documents(actor)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.decided_on is not None:
        raise ActionError(_("Uppdraget är redan beslutat."), code="already_decided")
    assignment.decided_on = decided_on
    assignment.save(update_fields=["decided_on"])
    _record(actor, "assignment_decided", assignment, decided_on=str(decided_on))
    return assignment


@transaction.atomic
def do_new_assignment_version(
    actor: User, assignment: Assignment, data: AssignmentInput
) -> Assignment:
    """A new, undecided version of a decided assignment, replacing it once decided."""
    _require_documents(actor)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.decided_on is None:
        raise ActionError(
            _("Uppdraget är inte beslutat ännu: ändra det direkt."), code="not_decided"
        )
    if Assignment.objects.filter(previous=assignment).exists():
        raise ActionError(_("Det finns redan en nyare version."), code="already_versioned")
    new = Assignment.objects.create(
        group=assignment.group,
        version=assignment.version + 1,
        previous=assignment,
        **_assignment_fields(data),
    )
    new.documents.set(data.documents)
    _record(actor, "assignment_versioned", new, previous=str(assignment.public_id))
    return new


@transaction.atomic
def do_report_back(
    actor: User, assignment: Assignment, *, due_on: dt.date, answers: list[str]
) -> ReportBack:
    """The responsible group's report-back for one due date: an answer to every question."""
    require_edit(actor, assignment.group)
    assignment = Assignment.objects.get(pk=assignment.pk)  # as decided now, not as passed in
    if assignment.decided_on is None:
        raise ActionError(
            _("Ett uppdrag som inte är beslutat återrapporteras inte."), code="not_decided"
        )
    if due_on.isoformat() not in assignment.report_due_dates:
        raise ActionError(
            _("Uppdraget har ingen återrapportering det datumet."),
            code="unknown_due_date",
            field="due_on",
        )
    if len(answers) != len(assignment.report_questions):
        raise ActionError(
            _("Besvara var och en av uppdragets frågor."), code="answers_missing", field="answers"
        )
    texts = []
    for i, answer in enumerate(answers):
        texts.append(_text(answer, field=f"answers.{i}", required=True))
    if ReportBack.objects.filter(assignment=assignment, due_on=due_on).exists():
        raise ActionError(
            _("Återrapporteringen för det datumet är redan lämnad."),
            code="already_reported",
            field="due_on",
        )
    report = ReportBack.objects.create(
        assignment=assignment, due_on=due_on, answers=texts, submitted_by=actor
    )
    _record(actor, "report_back", assignment, due_on=str(due_on))
    return report


# -- events ---------------------------------------------------------------------------------------


@dataclass
class ParticipationInput:
    organisation: Principal | None
    unit: Unit | None = None
    registered: int = 0
    attended: int = 0


@dataclass
class EventInput:
    title: str
    kind: str
    held_on: dt.date
    place: str = ""
    description: str = ""
    participants: list[ParticipationInput] = field(default_factory=list)


def _write_participants(event: Event, rows: list[ParticipationInput]) -> int:
    """Replaces the event's participant rows; returns the number who came."""
    today = timezone.localdate()
    seen: set[tuple[int, int | None]] = set()
    event.participations.all().delete()
    attended = 0
    for i, row in enumerate(rows):
        prefix = f"participants.{i}."
        organisation = row.organisation or (row.unit.principal if row.unit else None)
        if organisation is None:
            raise ActionError(
                _("Ange vilken organisation deltagarna kom från."),
                code="required",
                field=f"{prefix}organisation",
            )
        if row.unit is not None and row.unit.principal_id != organisation.pk:
            raise ActionError(
                _("Enheten %(unit)s hör inte till %(organisation)s.")
                % {"unit": row.unit.name, "organisation": organisation.name},
                code="unit_not_in_organisation",
                field=f"{prefix}unit",
            )
        if row.registered < 0 or row.attended < 0:
            raise ActionError(
                _("Antalet deltagare kan inte vara negativt."),
                code="out_of_range",
                field=f"{prefix}attended",
            )
        if row.attended and event.held_on > today:
            raise ActionError(
                _("Närvaron förs in när evenemanget har hållits (%(day)s).")
                % {"day": event.held_on},
                code="not_held_yet",
                field=f"{prefix}attended",
            )
        key = (organisation.pk, row.unit.pk if row.unit else None)
        if key in seen:
            raise ActionError(
                _("%(name)s står två gånger bland deltagarna.")
                % {"name": row.unit.name if row.unit else organisation.name},
                code="duplicate",
                field=f"{prefix}organisation",
            )
        seen.add(key)
        EventParticipation.objects.create(
            event=event,
            organisation=organisation,
            unit=row.unit,
            registered=row.registered,
            attended=row.attended,
        )
        attended += row.attended
    return attended


@transaction.atomic
def do_create_event(actor: User, group: Group, data: EventInput) -> Event:
    """An event the group held or will hold, with its participants by organisation or unit."""
    require_edit(actor, group)
    if data.kind not in EventKind.values:
        raise ActionError(_("Välj vilken sorts evenemang det är."), code="invalid", field="kind")
    event = Event.objects.create(
        group=group,
        title=_text(data.title, field="title", limit=MAX_SHORT, required=True),
        kind=data.kind,
        held_on=data.held_on,
        place=_text(data.place, field="place", limit=MAX_SHORT),
        description=_text(data.description, field="description"),
        created_by=actor,
    )
    attended = _write_participants(event, data.participants)
    _record(actor, "event_created", event, title=event.title, group=group.name, attended=attended)
    return event


@transaction.atomic
def do_record_participants(
    actor: User, event: Event, participants: list[ParticipationInput]
) -> Event:
    """The event's participants and attendance, replacing what was recorded before."""
    require_edit(actor, event.group)
    event = Event.objects.select_for_update().get(pk=event.pk)
    attended = _write_participants(event, participants)
    _record(actor, "event_participants", event, rows=len(participants), attended=attended)
    return event


# -- annual reports -------------------------------------------------------------------------------


def may_edit_annual_report(actor: User, group: Group | None) -> bool:
    """A group's report: its process owner and leaders; the whole area's: the register's
    process leaders and administrators."""
    if group is not None:
        return may_edit_group(actor, group)
    return may_manage_documents(actor)


def _require_annual_report(actor: User, group: Group | None) -> None:
    if not may_edit_annual_report(actor, group):
        raise ActionError(
            _("Bara gruppens processledare eller en administratör skriver årsrapporten."),
            code="forbidden",
        )


def _check_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year:
        raise ActionError(
            _("En årsrapport skrivs för ett år som har börjat."), code="invalid_year", field="year"
        )


def _annual_report(group: Group | None, year: int) -> AnnualReport:
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        group=group, year=year
    )
    return report


@transaction.atomic
def do_save_annual_report(
    actor: User,
    group: Group | None,
    year: int,
    *,
    introduction: str,
    challenges: str,
    group_texts: dict[str, str],
) -> AnnualReport:
    """The texts around the figures; a published report is not changed."""
    _require_annual_report(actor, group)
    _check_year(year)
    report = _annual_report(group, year)
    if report.published_at is not None:
        raise ActionError(_("Årsrapporten är publicerad och ändras inte längre."), code="published")
    report.introduction = _text(introduction, field="introduction", limit=20000)
    report.challenges = _text(challenges, field="challenges", limit=20000)
    report.group_texts = {
        key: _text(text, field=f"text_{key}", limit=20000)
        for key, text in group_texts.items()
        if (text or "").strip()
    }
    report.save()
    _record(actor, "annual_report_saved", report, year=year, group=group.name if group else None)
    return report


@transaction.atomic
def do_publish_annual_report(actor: User, group: Group | None, year: int) -> AnnualReport:
    """Fixes the texts and keeps the PDF as it reads now (its figures included)."""
    from governance.annual import compile_report, render_annual_pdf

    _require_annual_report(actor, group)
    _check_year(year)
    report = _annual_report(group, year)
    if report.published_at is not None:
        raise ActionError(_("Årsrapporten är redan publicerad."), code="already_published")
    report.published_at = timezone.now()
    report.published_by = actor
    report.published_pdf = render_annual_pdf(compile_report(group, year, report))
    report.save()
    _record(actor, "annual_report_published", report, year=year)
    return report
