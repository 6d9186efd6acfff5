"""Training pages: coverage for managers and process leaders; courses, completions by hand and
the CSV import for process leaders and administrators. Thin: parse, call, render."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from competence import coverage as cov
from competence import imports
from competence.access import may_manage, require_coverage, require_manage
from competence.actions import do_record_completion
from competence.coverage import CoverageFilters
from competence.filters import parse_day, parse_filters
from competence.forms import CompletionForm, UploadForm
from competence.models import Completion, Course, ImportBatch, ImportState
from core import submissions
from core.errors import ActionError
from organisations.models import UNIT_LANES, Area, Principal, Role, Unit

BY_LABELS = {
    "principal": "Huvudman",
    "unit": "Enhet",
    "area": "Område",
    "lane": "Simbana",
    "role": "Roll",
}


@login_required
def overview(request):
    require_coverage(request.user)
    error = ""
    try:
        filters, day = parse_filters(request.GET), parse_day(request.GET)
    except ActionError as refused:
        error, filters, day = refused.message, CoverageFilters(), parse_day({})
    by = request.GET.get("by") if request.GET.get("by") in cov.GROUPINGS else "principal"
    context = {
        "error": error,
        "params": request.GET,
        "day": day,
        "total": cov.coverage(filters, day),
        "by": by,
        "by_label": BY_LABELS[by],
        "by_choices": BY_LABELS.items(),
        "groups": cov.breakdown(by, filters, day),
        "series": cov.over_time(filters, day),
        "participants": cov.participants(day),
        "priority": cov.priority(filters, day),
        "missed_days": cov.MISSED_DAYS,
        "principals": Principal.objects.order_by("kind", "name"),
        "units": Unit.objects.filter(is_active=True).only("public_id", "name"),
        "areas": Area.objects.all(),
        "lanes": UNIT_LANES,
        "roles": Role.choices,
        "may_manage": may_manage(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "competence/overview.html", context, status=400 if error else 200)


@login_required
def courses(request):
    require_coverage(request.user)
    rows = Course.objects.prefetch_related("modules__requirements", "sessions")
    return render(
        request,
        "competence/courses.html",
        {"courses": rows, "may_manage": may_manage(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    require_manage(request.user)
    form = CompletionForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            completion = do_record_completion(
                request.user,
                person=form.cleaned_data["person"],
                module=form.cleaned_data["module"],
                completed_on=form.cleaned_data["completed_on"],
                session=form.cleaned_data["session"],
                submission_key=request.POST.get("submission_key"),
            )
        except ActionError as refused:
            error = refused.message
            if refused.field in form.fields:
                form.add_error(refused.field, refused.message)
                error = ""
        else:
            return redirect(f"{request.path}?klar={completion.pk}")
    done = None
    if request.GET.get("klar", "").isdigit():
        done = (
            Completion.objects.filter(pk=request.GET["klar"])
            .select_related("user", "module")
            .first()
        )
    return render(
        request,
        "competence/record.html",
        {
            "form": form,
            "error": error,
            "done": done,
            "submission_key": submissions.new_key(),
            "recent": Completion.objects.select_related("user", "module")[:10],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    require_manage(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.do_upload(
                request.user,
                filename=upload.name,
                raw=upload.read(),
                delimiter=form.cleaned_data["delimiter"],
                submission_key=request.POST.get("submission_key"),
            )
        except ActionError as refused:
            error = refused.message
        else:
            return redirect("competence:import_detail", batch.public_id)
    return render(
        request,
        "competence/import_new.html",
        {
            "form": form,
            "error": error,
            "submission_key": submissions.new_key(),
            "batches": ImportBatch.objects.select_related("uploaded_by")[:10],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, public_id):
    require_manage(request.user)
    batch = get_object_or_404(ImportBatch, public_id=public_id)
    error = ""
    result = None
    if request.method == "POST":
        try:
            imports.do_map_columns(
                request.user,
                batch,
                person_column=request.POST.get("person_column", ""),
                module_column=request.POST.get("module_column", ""),
                date_column=request.POST.get("date_column", ""),
            )
            if request.POST.get("do") == "import":
                result = imports.do_import(
                    request.user, batch, submission_key=request.POST.get("submission_key")
                )
                batch.refresh_from_db()
        except ActionError as refused:
            error = refused.message
    if result is None and batch.state == ImportState.PREVIEW:
        try:
            result = imports.preview(batch)
        except ActionError as refused:
            error = error or refused.message
    return render(
        request,
        "competence/import_detail.html",
        {
            "batch": batch,
            "header": imports.header_of(batch),
            "result": result,
            "error": error,
            "labels": imports.LABELS,
            "mapping": [
                ("person_column", imports.LABELS["person_column"], batch.person_column),
                ("module_column", imports.LABELS["module_column"], batch.module_column),
                ("date_column", imports.LABELS["date_column"], batch.date_column),
            ],
            "submission_key": submissions.new_key(),
            "imported": batch.state == ImportState.IMPORTED,
        },
        status=400 if error else 200,
    )


@login_required
def export_csv(request):
    """The coverage breakdown of the page's selection as CSV (UTF-8 with BOM, semicolons)."""
    require_coverage(request.user)
    try:
        filters, day = parse_filters(request.GET), parse_day(request.GET)
    except ActionError as refused:
        return HttpResponse(refused.message, status=400, content_type="text/plain; charset=utf-8")
    by = request.GET.get("by") if request.GET.get("by") in cov.GROUPINGS else "principal"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="utbildningstackning-{day}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([BY_LABELS[by], "Klara", "Personal med krav", "Täckning (%)", "Dag"])
    for group in cov.breakdown(by, filters, day):
        figure = group.figure
        writer.writerow([group.label, figure.covered, figure.staff, figure.percent, day])
    total = cov.coverage(filters, day)
    writer.writerow(["Totalt", total.covered, total.staff, total.percent, day])
    return response
