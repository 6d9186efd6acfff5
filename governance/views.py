"""The governance pages. Thin: parse, call an action, render. No patient data here."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import submissions
from core.errors import ActionError
from governance import actions, documents
from governance.access import may_edit_group, may_manage_documents
from governance.forms import (
    ActivityForm,
    AnswerForm,
    AssignmentForm,
    CarryOverForm,
    DecideForm,
    DeleteForm,
    DocumentForm,
    EventForm,
    FileForm,
    FocusAreaForm,
    FollowUpForm,
    KeyedForm,
    ManualValueForm,
    MetricForm,
    ParticipantsForm,
    PlanForm,
    QuestionForm,
    SubGoalEditForm,
    SubGoalForm,
)
from governance.metrics import metric_row, plan_period_so_far
from governance.models import (
    ActionPlan,
    AnnualReport,
    Assignment,
    DocumentQuestion,
    Event,
    FocusArea,
    GoverningDocument,
    Group,
    GroupMember,
    Metric,
    PlanActivity,
    SubGoal,
)
from governance.todo import report_backs_due


def _apply_error(form, error: ActionError) -> None:
    name = (error.field or "").split(".")[0]
    if name in form.fields:
        form.add_error(name, error.message)
    elif name == "filters" and "area" in form.fields:
        form.add_error("area", error.message)
    else:
        form.add_error(None, error.message)


def _run(form, user, call) -> bool:
    """Run `call` with the form's one-time key claimed, in one transaction; a refusal goes to
    the form (nothing written)."""
    try:
        with transaction.atomic():
            submissions.claim(form.cleaned_data.get("submission_key"), user)
            call()
    except ActionError as error:
        _apply_error(form, error)
        return False
    return True


# -- the collaboration structure ------------------------------------------------------------------


def _tree(groups: list[Group]) -> list[dict]:
    children: dict[int | None, list[Group]] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group)

    def node(group: Group) -> dict:
        return {"group": group, "children": [node(c) for c in children.get(group.pk, [])]}

    return [node(g) for g in children.get(None, [])]


def _groups():
    return Group.objects.select_related("area").prefetch_related(
        Prefetch(
            "members",
            queryset=GroupMember.objects.select_related("user", "organisation"),
        ),
        "plans",
    )


def _report_years() -> list[int]:
    """The annual reports offered: this year's (so far) and last year's."""
    year = timezone.localdate().year
    return [year, year - 1]


@login_required
def structure(request):
    """The groups and who reports to whom, each with its members and plans."""
    return render(
        request,
        "governance/structure.html",
        {
            "tree": _tree(list(_groups())),
            "due": report_backs_due(request.user),
            "years": _report_years(),
        },
    )


@login_required
def group_page(request, public_id):
    group = get_object_or_404(_groups(), public_id=public_id)
    return render(
        request,
        "governance/group.html",
        {
            "group": group,
            "children": group.children.all(),
            "may_edit": may_edit_group(request.user, group),
            "documents": group.documents.all(),
            "assignments": group.assignments.all(),
            "events": group.events.prefetch_related("participations"),
            "may_assign": may_manage_documents(request.user),
            "years": _report_years(),
        },
    )


# -- action plans ---------------------------------------------------------------------------------


@login_required
def plan_new(request, public_id):
    group = get_object_or_404(Group, public_id=public_id)
    if not may_edit_group(request.user, group):
        return render(request, "403.html", status=403)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[ActionPlan] = []
        data = form.cleaned_data
        plan_input = actions.PlanInput(
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            purpose=data["purpose"],
            target_group=data["target_group"],
            goal=data["goal"],
            basis=data["basis"],
            follow_ups_per_year=data["follow_ups_per_year"],
        )
        if _run(
            form,
            request.user,
            lambda: created.append(actions.do_create_plan(request.user, group, plan_input)),
        ):
            return HttpResponseRedirect(reverse("governance:plan", args=[created[0].public_id]))
    return render(
        request, "governance/plan_new.html", {"group": group, "form": form}, status=_status(form)
    )


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _plan_context(plan: ActionPlan) -> dict:
    period = plan_period_so_far(plan)
    focus_areas = list(
        plan.focus_areas.prefetch_related(
            "sub_goals__activities__responsible_organisation",
            "sub_goals__metrics",
        )
    )
    rows = {}
    for focus in focus_areas:
        for sub_goal in focus.sub_goals.all():
            sub_goal.metric_rows = [  # type: ignore[attr-defined]
                metric_row(m, period) for m in sub_goal.metrics.all()
            ]
            for row in sub_goal.metric_rows:  # type: ignore[attr-defined]
                rows[row.metric.pk] = row
    follow_ups = list(
        plan.follow_ups.prefetch_related("statuses__activity", "readings__metric").order_by(
            "-held_on", "-id"
        )
    )
    latest: dict[int, object] = {}
    for follow_up in reversed(follow_ups):  # oldest first, so the newest status wins
        for status in follow_up.statuses.all():
            latest[status.activity_id] = status
    sub_goals = [s for f in focus_areas for s in f.sub_goals.all()]
    for sub_goal in sub_goals:
        for activity in sub_goal.activities.all():
            activity.latest = latest.get(activity.pk)  # type: ignore[attr-defined]
    return {
        "plan": plan,
        "period": period,
        "sub_goals": sub_goals,
        "manual_metrics": [r.metric for r in rows.values() if r.metric.kind == "manual"],
        "focus_areas": focus_areas,
        "follow_ups": follow_ups,
        "activities": list(
            PlanActivity.objects.filter(sub_goal__focus_area__plan=plan).order_by(
                "sub_goal__focus_area__position", "sub_goal__position", "position", "id"
            )
        ),
    }


@login_required
def plan_page(request, public_id):
    plan = get_object_or_404(ActionPlan.objects.select_related("group"), public_id=public_id)
    return _render_plan(request, plan)


def _render_plan(request, plan: ActionPlan, status: int = 200, **forms):
    context = _plan_context(plan)
    may_edit = may_edit_group(request.user, plan.group)
    if may_edit:
        today = timezone.localdate()
        context["forms"] = {
            "focus_area": forms.get("focus_area") or FocusAreaForm(),
            "sub_goal": forms.get("sub_goal") or SubGoalForm(),
            "activity": forms.get("activity") or ActivityForm(),
            "metric": forms.get("metric") or MetricForm(),
            "manual_value": forms.get("manual_value") or ManualValueForm(),
            "carry_over": forms.get("carry_over") or CarryOverForm(),
            "follow_up": forms.get("follow_up")
            or FollowUpForm(
                activities=context["activities"],
                initial={
                    "held_on": min(today, plan.period_end),
                    "covers_start": plan.period_start,
                    "covers_end": min(today, plan.period_end),
                },
            ),
        }
    context["may_edit"] = may_edit
    return render(request, "governance/plan.html", context, status=status)


def _child(model, plan: ActionPlan, raw: str, path: str):
    if not raw.isdigit():
        return None
    return model.objects.filter(pk=int(raw), **{path: plan}).first()


@login_required
@require_POST
def plan_act(request, public_id, name: str):
    """One change to a plan from its page: a focus area, sub-goal, activity, metric, a manual
    value or a follow-up."""
    plan = get_object_or_404(ActionPlan.objects.select_related("group"), public_id=public_id)
    if not may_edit_group(request.user, plan.group):
        return render(request, "403.html", status=403)
    user = request.user
    target = request.POST.get("parent", "")
    parent: object = plan
    form: KeyedForm
    call: Callable[[], object]
    if name == "focus_area":
        form = FocusAreaForm(request.POST)
        call = lambda: actions.do_add_focus_area(user, plan, form.cleaned_data["title"])  # noqa: E731
    elif name == "sub_goal":
        form = SubGoalForm(request.POST)
        focus = parent = _child(FocusArea, plan, target, "plan")
        call = lambda: actions.do_add_sub_goal(  # noqa: E731
            user,
            focus,
            actions.SubGoalInput(
                text=form.cleaned_data["text"],
                communication_plan=form.cleaned_data["communication_plan"],
            ),
        )
    elif name == "activity":
        form = ActivityForm(request.POST)
        sub_goal = parent = _child(SubGoal, plan, target, "focus_area__plan")
        call = lambda: actions.do_add_activity(  # noqa: E731
            user,
            sub_goal,
            actions.ActivityInput(
                text=form.cleaned_data["text"],
                responsible_organisation=form.cleaned_data["responsible_organisation"],
                responsible_role=form.cleaned_data["responsible_role"],
                responsible_person=form.cleaned_data["responsible_person"],
            ),
        )
    elif name == "metric":
        form = MetricForm(request.POST)
        sub_goal = parent = _child(SubGoal, plan, target, "focus_area__plan")

        def call():
            return actions.do_add_metric(user, sub_goal, _metric_input(form.cleaned_data, plan))

    elif name == "manual_value":
        form = ManualValueForm(request.POST)
        metric = parent = _child(Metric, plan, target, "sub_goal__focus_area__plan")
        call = lambda: actions.do_record_manual_value(  # noqa: E731
            user,
            metric,
            value=form.cleaned_data["value"],
            measured_on=form.cleaned_data["measured_on"],
        )
    elif name == "follow_up":
        activities = _plan_context(plan)["activities"]
        form = FollowUpForm(request.POST, activities=activities)

        def call():
            data = form.cleaned_data
            return actions.do_hold_follow_up(
                user,
                plan,
                actions.FollowUpInput(
                    held_on=data["held_on"],
                    covers_start=data["covers_start"],
                    covers_end=data["covers_end"],
                    notes=data["notes"],
                    statuses=[
                        actions.StatusInput(a.pk, data[f"state_{a.pk}"], data[f"result_{a.pk}"])
                        for a in activities
                    ],
                ),
            )
    elif name == "carry_over":
        form = CarryOverForm(request.POST)
        created: list[ActionPlan] = []

        def call():
            data = form.cleaned_data
            created.append(
                actions.do_carry_over(
                    user,
                    plan,
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                )
            )
    else:
        raise Http404("no such change")
    if parent is None:
        raise Http404("not part of this plan")
    if form.is_valid() and _run(form, user, call):
        if name == "carry_over":
            return HttpResponseRedirect(reverse("governance:plan", args=[created[0].public_id]))
        return HttpResponseRedirect(reverse("governance:plan", args=[plan.public_id]))
    return _render_plan(request, plan, 400, **{name: form})


@login_required
def plan_pdf(request, public_id):
    from governance.pdf import render_plan_pdf

    plan = get_object_or_404(ActionPlan.objects.select_related("group"), public_id=public_id)
    response = HttpResponse(
        render_plan_pdf(plan, _plan_context(plan)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="handlingsplan-{plan.public_id}.pdf"'
    return response


# -- governing documents --------------------------------------------------------------------------


@login_required
def document_list(request):
    query = request.GET.get("q", "").strip()[:200]
    include_outdated = request.GET.get("alla") == "1"
    found = documents.search(query, include_outdated=include_outdated)
    return render(
        request,
        "governance/documents.html",
        {
            "documents": found,
            "q": query,
            "include_outdated": include_outdated,
            "today": timezone.localdate(),
            "may_manage": may_manage_documents(request.user),
        },
    )


@login_required
def document_new(request):
    if not may_manage_documents(request.user):
        return render(request, "403.html", status=403)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[GoverningDocument] = []
        document_input = actions.DocumentInput(
            title=data["title"],
            kind=data["kind"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            version=data["version"],
            owner_group=data["owner_group"],
            owner_organisation=data["owner_organisation"],
            next_review=data["next_review"],
            link=data["link"],
            summary=data["summary"],
            lanes=data["lanes"],
            activity_keys=[k for k in data["activity_keys"].replace(";", ",").split(",")],
            contact=data["contact"],
            replaces=data["replaces"],
            file=data["file"],
        )
        if _run(
            form,
            request.user,
            lambda: created.append(actions.do_register_document(request.user, document_input)),
        ):
            return HttpResponseRedirect(reverse("governance:document", args=[created[0].public_id]))
    return render(request, "governance/document_new.html", {"form": form}, status=_status(form))


@login_required
def document_page(request, public_id):
    """The document; its published answers; a question form; the owner answers here."""
    document = get_object_or_404(
        GoverningDocument.objects.select_related(
            "owner_group", "owner_organisation", "replaced_by"
        ),
        public_id=public_id,
    )
    user = request.user
    may_answer = actions.may_answer(user, document)
    question_form = QuestionForm()
    answer_form = AnswerForm()
    status = 200
    if request.method == "POST":
        if "answer" in request.POST:
            answer_form = AnswerForm(request.POST)
            raw = request.POST.get("question", "")
            question = (
                DocumentQuestion.objects.filter(document=document, public_id=raw).first()
                if _is_uuid(raw)
                else None
            )
            if question is None:
                raise Http404("no such question")
            if answer_form.is_valid() and _run(
                answer_form,
                user,
                lambda: actions.do_answer_question(
                    user, question, answer_form.cleaned_data["answer"]
                ),
            ):
                return HttpResponseRedirect(reverse("governance:document", args=[public_id]))
        else:
            question_form = QuestionForm(request.POST)
            if question_form.is_valid() and _run(
                question_form,
                user,
                lambda: actions.do_ask_about_document(
                    user, document, question_form.cleaned_data["text"]
                ),
            ):
                return HttpResponseRedirect(reverse("governance:document", args=[public_id]))
        status = 400
    questions = list(document.questions.all())
    return render(
        request,
        "governance/document.html",
        {
            "document": document,
            "in_force": document.in_force(timezone.localdate()),
            "replaces": document.replaces.all(),
            "answered": [q for q in questions if q.answered_at],
            "waiting": [q for q in questions if not q.answered_at] if may_answer else [],
            "may_answer": may_answer,
            "question_form": question_form,
            "answer_form": answer_form,
            "may_manage": may_manage_documents(user),
            "file_form": FileForm(),
        },
        status=status,
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
def assignment_page(request, public_id):
    """An assignment's sections, governing documents and report-backs; the responsible
    group's process leader reports back here, answering the assignment's questions."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("group", "previous"), public_id=public_id
    )
    user = request.user
    reported = {r.due_on.isoformat(): r for r in assignment.reports.all()}
    error = None
    if request.method == "POST":
        raw = request.POST.get("due_on", "")
        answers = [
            request.POST.get(f"answer_{i}", "") for i in range(len(assignment.report_questions))
        ]
        try:
            due_on = dt.date.fromisoformat(raw)
        except ValueError:
            error = ActionError(
                "Välj vilken återrapportering det gäller.", code="invalid", field="due_on"
            )
        else:
            try:
                with transaction.atomic():
                    submissions.claim(request.POST.get("submission_key"), user)
                    actions.do_report_back(user, assignment, due_on=due_on, answers=answers)
            except ActionError as refused:
                error = refused
            else:
                return HttpResponseRedirect(reverse("governance:assignment", args=[public_id]))
    sections = [
        (label, getattr(assignment, name))
        for name, label in ASSIGNMENT_LABELS
        if getattr(assignment, name)
    ]
    reports = [
        {"due_on": dt.date.fromisoformat(d), "report": reported.get(d)}
        for d in assignment.report_due_dates
    ]
    for row in reports:
        if row["report"]:
            row["answers"] = list(
                zip(assignment.report_questions, row["report"].answers, strict=False)
            )
    return render(
        request,
        "governance/assignment.html",
        {
            "assignment": assignment,
            "sections": sections,
            "reports": reports,
            "open_dates": [r["due_on"] for r in reports if not r["report"]],
            "may_report": may_edit_group(user, assignment.group) and assignment.decided_on,
            "error": error,
            "submission_key": submissions.new_key(),
            "newer": Assignment.objects.filter(previous=assignment).first(),
            "may_manage": may_manage_documents(user) and not newer_exists(assignment),
        },
        status=400 if error else 200,
    )


def newer_exists(assignment: Assignment) -> bool:
    return Assignment.objects.filter(previous=assignment).exists()


ASSIGNMENT_LABELS = [
    ("commissioner", _("Uppdragsgivare")),
    ("decided_by", _("Beslutat av")),
    ("recipients", _("Uppdragstagare")),
    ("background", _("Bakgrund")),
    ("purpose", _("Syfte")),
    ("goal", _("Mål")),
    ("activities", _("Aktiviteter")),
    ("target_group", _("Målgrupp")),
    ("communication", _("Kommunikation")),
    ("timeline", _("Tidsplan")),
    ("resources", _("Resurser")),
    ("parties", _("Parter")),
]


# -- editing and removing a plan's items ----------------------------------------------------------

PLAN_ITEMS = {
    "fokusomrade": (FocusArea, "plan", _("Ändra fokusområde")),
    "delmal": (SubGoal, "focus_area__plan", _("Ändra delmål")),
    "aktivitet": (PlanActivity, "sub_goal__focus_area__plan", _("Ändra aktivitet")),
    "matt": (Metric, "sub_goal__focus_area__plan", _("Ändra uppföljningsmått")),
}


def _metric_input(data, plan: ActionPlan) -> actions.MetricInput:
    """No area and no category chosen: the action's default, the group's area."""
    filters = {}
    area = data["area"] or plan.group.area
    if data["category"]:
        filters["category"] = data["category"]
    if area is not None and (data["area"] or filters):
        filters["area"] = str(area.public_id)
    return actions.MetricInput(
        kind=data["kind"],
        indicator_key=data["indicator_key"],
        filters=filters or None,
        name=data["name"],
        unit=data["unit"],
        target=data["target"],
    )


def _item_editing(user, kind: str, item) -> tuple[type[KeyedForm], dict, Callable, Callable]:
    """The form, its initial values, the save and the removal of one item of a plan."""
    if kind == "fokusomrade":
        return (
            FocusAreaForm,
            {"title": item.title},
            lambda d: actions.do_edit_focus_area(user, item, d["title"]),
            lambda: actions.do_delete_focus_area(user, item),
        )
    if kind == "delmal":
        return (
            SubGoalEditForm,
            {
                "text": item.text,
                "communication_plan": item.communication_plan,
                "result": item.result,
            },
            lambda d: actions.do_edit_sub_goal(
                user,
                item,
                text=d["text"],
                communication_plan=d["communication_plan"],
                result=d["result"],
            ),
            lambda: actions.do_delete_sub_goal(user, item),
        )
    if kind == "aktivitet":
        return (
            ActivityForm,
            {
                "text": item.text,
                "responsible_organisation": item.responsible_organisation_id,
                "responsible_role": item.responsible_role,
                "responsible_person": item.responsible_person,
            },
            lambda d: actions.do_edit_activity(
                user,
                item,
                actions.ActivityInput(
                    text=d["text"],
                    responsible_organisation=d["responsible_organisation"],
                    responsible_role=d["responsible_role"],
                    responsible_person=d["responsible_person"],
                ),
            ),
            lambda: actions.do_delete_activity(user, item),
        )
    return (
        MetricForm,
        {
            "kind": item.kind,
            "indicator_key": item.indicator_key,
            "area": item.filters.get("area", ""),
            "category": item.filters.get("category", ""),
            "name": item.name,
            "unit": item.unit,
            "target": item.target,
        },
        lambda d: actions.do_edit_metric(
            user, item, _metric_input(d, item.sub_goal.focus_area.plan)
        ),
        lambda: actions.do_delete_metric(user, item),
    )


@login_required
def plan_item(request, public_id, kind: str, pk: int):
    """Change or remove one focus area, sub-goal, activity or metric of a plan."""
    plan = get_object_or_404(ActionPlan.objects.select_related("group"), public_id=public_id)
    if not may_edit_group(request.user, plan.group):
        return render(request, "403.html", status=403)
    if kind not in PLAN_ITEMS:
        raise Http404("no such item")
    model, path, heading = PLAN_ITEMS[kind]
    item = get_object_or_404(model, pk=pk, **{path: plan})
    form_class, initial, save, remove = _item_editing(request.user, kind, item)
    form = form_class(initial=initial)
    delete_form = DeleteForm()
    if request.method == "POST":
        if "delete" in request.POST:
            delete_form = DeleteForm(request.POST)
            if delete_form.is_valid() and _run(delete_form, request.user, remove):
                return HttpResponseRedirect(reverse("governance:plan", args=[plan.public_id]))
        else:
            form = form_class(request.POST)
            if form.is_valid() and _run(form, request.user, lambda: save(form.cleaned_data)):
                return HttpResponseRedirect(reverse("governance:plan", args=[plan.public_id]))
    failed = request.method == "POST"
    return render(
        request,
        "governance/plan_item.html",
        {"plan": plan, "heading": heading, "form": form, "delete_form": delete_form},
        status=400 if failed else 200,
    )


# -- creating and editing assignments -------------------------------------------------------------


def _assignment_input(data) -> actions.AssignmentInput:
    return actions.AssignmentInput(
        title=data["title"],
        texts={name: data[name] for name in actions.ASSIGNMENT_TEXTS},
        report_questions=data["report_questions"],
        report_due_dates=data["report_due_dates"],
        documents=list(data["documents"]),
    )


@login_required
def assignment_new(request, public_id):
    group = get_object_or_404(Group, public_id=public_id)
    if not may_manage_documents(request.user):
        return render(request, "403.html", status=403)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Assignment] = []
        if _run(
            form,
            request.user,
            lambda: created.append(
                actions.do_create_assignment(
                    request.user, group, _assignment_input(form.cleaned_data)
                )
            ),
        ):
            return HttpResponseRedirect(
                reverse("governance:assignment", args=[created[0].public_id])
            )
    return render(
        request,
        "governance/assignment_edit.html",
        {"group": group, "form": form, "assignment": None},
        status=_status(form),
    )


@login_required
def assignment_edit(request, public_id):
    """A draft is changed in place and decided here; a decided assignment is changed only by
    saving a new version."""
    assignment = get_object_or_404(Assignment.objects.select_related("group"), public_id=public_id)
    if not may_manage_documents(request.user):
        return render(request, "403.html", status=403)
    user = request.user
    initial = {
        "title": assignment.title,
        **{name: getattr(assignment, name) for name in actions.ASSIGNMENT_TEXTS},
        "report_questions": "\n".join(assignment.report_questions),
        "report_due_dates": ", ".join(assignment.report_due_dates),
        "documents": [d.public_id for d in assignment.documents.all()],
    }
    form = AssignmentForm(initial=initial)
    decide_form = DecideForm(initial={"decided_on": timezone.localdate()})
    if request.method == "POST":
        done: list[Assignment] = []
        if "decide" in request.POST:
            decide_form = DecideForm(request.POST)
            if decide_form.is_valid() and _run(
                decide_form,
                user,
                lambda: done.append(
                    actions.do_decide_assignment(
                        user, assignment, decide_form.cleaned_data["decided_on"]
                    )
                ),
            ):
                return HttpResponseRedirect(reverse("governance:assignment", args=[public_id]))
        else:
            form = AssignmentForm(request.POST)
            if assignment.decided_on is None:
                change = actions.do_edit_assignment
            else:
                change = actions.do_new_assignment_version
            if form.is_valid() and _run(
                form,
                user,
                lambda: done.append(change(user, assignment, _assignment_input(form.cleaned_data))),
            ):
                return HttpResponseRedirect(
                    reverse("governance:assignment", args=[done[0].public_id])
                )
    return render(
        request,
        "governance/assignment_edit.html",
        {
            "group": assignment.group,
            "assignment": assignment,
            "form": form,
            "decide_form": decide_form,
            "newer": Assignment.objects.filter(previous=assignment).first(),
        },
        status=400 if request.method == "POST" else 200,
    )


# -- annual reports -------------------------------------------------------------------------------


def _annual_page(request, group: Group | None, year: int):
    from governance.annual import compile_report, groups_of

    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("no such year")
    user = request.user
    may_edit = actions.may_edit_annual_report(user, group)
    here = (
        reverse("governance:annual_group", args=[group.public_id, year])
        if group
        else reverse("governance:annual", args=[year])
    )
    error = None
    if request.method == "POST":
        if not may_edit:
            return render(request, "403.html", status=403)
        groups = groups_of(group)
        try:
            with transaction.atomic():
                if "publish" in request.POST:
                    actions.do_publish_annual_report(user, group, year)
                else:
                    actions.do_save_annual_report(
                        user,
                        group,
                        year,
                        introduction=request.POST.get("introduction", ""),
                        challenges=request.POST.get("challenges", ""),
                        group_texts={
                            str(g.public_id): request.POST.get(f"text_{g.public_id}", "")
                            for g in groups
                        },
                    )
        except ActionError as refused:
            error = refused.message
        else:
            return HttpResponseRedirect(here)
    report = AnnualReport.objects.filter(group=group, year=year).first()
    data = compile_report(group, year, report)
    text_groups = []
    if may_edit:
        for g in groups_of(group):
            g.text = data.report.group_texts.get(str(g.public_id), "")  # type: ignore[attr-defined]
            text_groups.append(g)
    return render(
        request,
        "governance/annual.html",
        {
            "data": data,
            "may_edit": may_edit,
            "text_groups": text_groups,
            "error": error,
            "pdf_url": here + "arsrapport.pdf",
        },
        status=400 if error else 200,
    )


def _annual_pdf(group: Group | None, year: int) -> HttpResponse:
    from governance.annual import compile_report, render_annual_pdf

    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("no such year")
    report = AnnualReport.objects.filter(group=group, year=year).first()
    if report is not None and report.published_pdf:
        content = bytes(report.published_pdf)
    else:
        content = render_annual_pdf(compile_report(group, year, report))
    response = HttpResponse(content, content_type="application/pdf")
    name = f"arsrapport-{year}" + (f"-{group.public_id}" if group else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def annual_report(request, year: int):
    """The whole area's annual report."""
    return _annual_page(request, None, year)


@login_required
def annual_report_group(request, public_id, year: int):
    return _annual_page(request, get_object_or_404(Group, public_id=public_id), year)


@login_required
def annual_report_pdf(request, year: int):
    return _annual_pdf(None, year)


@login_required
def annual_report_group_pdf(request, public_id, year: int):
    return _annual_pdf(get_object_or_404(Group, public_id=public_id), year)


# -- events ---------------------------------------------------------------------------------------


def _participants(form) -> list[actions.ParticipationInput]:
    return [actions.ParticipationInput(**row) for row in form.participants()]


@login_required
def event_new(request, public_id):
    group = get_object_or_404(Group, public_id=public_id)
    if not may_edit_group(request.user, group):
        return render(request, "403.html", status=403)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Event] = []
        data = form.cleaned_data
        event_input = actions.EventInput(
            title=data["title"],
            kind=data["kind"],
            held_on=data["held_on"],
            place=data["place"],
            description=data["description"],
            participants=_participants(form),
        )
        if _run(
            form,
            request.user,
            lambda: created.append(actions.do_create_event(request.user, group, event_input)),
        ):
            return HttpResponseRedirect(reverse("governance:event", args=[created[0].public_id]))
    return render(
        request, "governance/event_new.html", {"group": group, "form": form}, status=_status(form)
    )


@login_required
def event_page(request, public_id):
    """An event, its participants by organisation and unit; the group's leaders record the
    attendance here."""
    event = get_object_or_404(Event.objects.select_related("group"), public_id=public_id)
    rows = list(event.participations.select_related("organisation", "unit"))
    may_edit = may_edit_group(request.user, event.group)
    count = len(rows) + 3
    initial = {}
    for i, row in enumerate(rows):
        initial.update(
            {
                f"organisation_{i}": row.organisation.public_id,
                f"unit_{i}": row.unit.public_id if row.unit else None,
                f"registered_{i}": row.registered,
                f"attended_{i}": row.attended,
            }
        )
    form = ParticipantsForm(initial=initial, rows=count)
    if request.method == "POST":
        if not may_edit:
            return render(request, "403.html", status=403)
        form = ParticipantsForm(request.POST, rows=count)
        if form.is_valid() and _run(
            form,
            request.user,
            lambda: actions.do_record_participants(request.user, event, _participants(form)),
        ):
            return HttpResponseRedirect(reverse("governance:event", args=[public_id]))
    return render(
        request,
        "governance/event.html",
        {
            "event": event,
            "rows": rows,
            "registered": sum(r.registered for r in rows),
            "attended": sum(r.attended for r in rows),
            "may_edit": may_edit,
            "form": form,
        },
        status=_status(form),
    )


@login_required
def document_file(request, public_id):
    """The version's file, to logged-in users only (never from a public path); a process
    leader uploads the file of a version registered without one."""
    document = get_object_or_404(GoverningDocument, public_id=public_id)
    if request.method == "POST":
        if not may_manage_documents(request.user):
            return render(request, "403.html", status=403)
        form = FileForm(request.POST, request.FILES)
        if form.is_valid() and _run(
            form,
            request.user,
            lambda: actions.do_attach_file(request.user, document, form.cleaned_data["file"]),
        ):
            return HttpResponseRedirect(reverse("governance:document", args=[public_id]))
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return render(
            request,
            "governance/document_file_refused.html",
            {"document": document, "errors": errors},
            status=400,
        )
    if not document.file:
        raise Http404("no file")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type=document.file_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
