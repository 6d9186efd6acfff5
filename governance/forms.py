"""The governance pages' forms: they parse only; the rules are the actions'."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core import submissions
from deviations.models import DeviationCategory
from governance.models import (
    ActivityState,
    DocumentKind,
    EventKind,
    GoverningDocument,
    Group,
    MetricKind,
    MetricUnit,
)
from governance.sources import SOURCES
from organisations.models import Area, Lane, Principal, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class KeyedForm(forms.Form):
    """Every form carries a one-time key, so a resubmission changes nothing."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        # Several forms share a page: ids named by the form keep them unique.
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", submissions.new_key())


class PlanForm(KeyedForm):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    period_start = forms.DateField(label=_("Perioden börjar"), widget=DATE)
    period_end = forms.DateField(label=_("Perioden slutar"), widget=DATE)
    purpose = forms.CharField(label=_("Övergripande syfte"), required=False, widget=TEXT)
    target_group = forms.CharField(label=_("Målgrupp"), required=False, widget=TEXT)
    goal = forms.CharField(label=_("Mål"), required=False, widget=TEXT)
    basis = forms.CharField(label=_("Underlag"), required=False, widget=TEXT)
    follow_ups_per_year = forms.TypedChoiceField(
        label=_("Uppföljningar per år"), choices=[(1, "1"), (2, "2")], coerce=int, initial=2
    )


class CarryOverForm(KeyedForm):
    title = forms.CharField(label=_("Rubrik för den nya planen"), max_length=200)
    period_start = forms.DateField(label=_("Den nya perioden börjar"), widget=DATE)
    period_end = forms.DateField(label=_("Den nya perioden slutar"), widget=DATE)


class FocusAreaForm(KeyedForm):
    title = forms.CharField(label=_("Fokusområde"), max_length=300)


class SubGoalForm(KeyedForm):
    text = forms.CharField(label=_("Delmål"), widget=TEXT)
    communication_plan = forms.CharField(label=_("Kommunikationsplan"), required=False, widget=TEXT)


class ActivityForm(KeyedForm):
    text = forms.CharField(label=_("Aktivitet"), widget=TEXT)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"),
        queryset=Principal.objects.order_by("name"),
        required=False,
        empty_label=_("Ingen vald"),
    )
    responsible_role = forms.CharField(label=_("Ansvarig roll"), required=False, max_length=200)
    responsible_person = forms.CharField(label=_("Ansvarig person"), required=False, max_length=200)


def _source_choices() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for source in SOURCES:
        groups.setdefault(str(source.group), []).append((source.key, source.name))
    return [("", _("Inget"))] + list(groups.items())


def _category_choices() -> list:
    labels = dict(
        DeviationCategory.objects.order_by("key", "valid_from").values_list("key", "label")
    )
    return [("", _("Alla kategorier"))] + sorted(labels.items(), key=lambda kv: kv[1])


class MetricForm(KeyedForm):
    kind = forms.ChoiceField(label=_("Sort"), choices=MetricKind.choices)
    indicator_key = forms.ChoiceField(
        label=_("Nyckeltal (mäts i Samsyn)"),
        choices=_source_choices,
        required=False,
    )
    area = forms.ModelChoiceField(
        label=_("Område (NOSAM)"),
        help_text=_(
            "Statistikens nyckeltal: där den enskilde bor. Avvikelser: det område avvikelsen "
            "räknas till. Utbildningstäckning: enheternas område."
        ),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("Gruppens område"),
        to_field_name="public_id",
    )
    category = forms.ChoiceField(
        label=_("Avvikelsekategori (bara för avvikelser)"),
        choices=_category_choices,
        required=False,
    )
    name = forms.CharField(label=_("Namn (mått som förs in för hand)"), required=False)
    unit = forms.ChoiceField(
        label=_("Enhet"), choices=[("", _("Nyckeltalets"))] + MetricUnit.choices, required=False
    )
    target = forms.FloatField(label=_("Målvärde"), required=False)


class ManualValueForm(KeyedForm):
    value = forms.FloatField(label=_("Värde"))
    measured_on = forms.DateField(label=_("Mätt den"), widget=DATE)


class FollowUpForm(KeyedForm):
    held_on = forms.DateField(label=_("Mötet hölls"), widget=DATE)
    covers_start = forms.DateField(label=_("Följer upp från"), widget=DATE)
    covers_end = forms.DateField(label=_("Följer upp till och med"), widget=DATE)
    notes = forms.CharField(label=_("Anteckningar"), required=False, widget=TEXT)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        for activity in self.activities:
            self.fields[f"state_{activity.pk}"] = forms.ChoiceField(
                label=_("Status: %(text)s") % {"text": activity.text[:80]},
                choices=ActivityState.choices,
            )
            self.fields[f"result_{activity.pk}"] = forms.CharField(
                label=_("Resultat: %(text)s") % {"text": activity.text[:80]},
                required=False,
                widget=TEXT,
            )


class DocumentForm(KeyedForm):
    title = forms.CharField(label=_("Titel"), max_length=300)
    kind = forms.ChoiceField(label=_("Sort"), choices=DocumentKind.choices)
    version = forms.CharField(label=_("Version"), required=False, max_length=40)
    owner_group = forms.ModelChoiceField(
        label=_("Ägare (grupp)"), queryset=Group.objects.all(), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Ägare (organisation)"), queryset=Principal.objects.order_by("name"), required=False
    )
    valid_from = forms.DateField(label=_("Gäller från"), widget=DATE)
    valid_to = forms.DateField(label=_("Gäller till och med"), required=False, widget=DATE)
    next_review = forms.DateField(label=_("Nästa revision"), required=False, widget=DATE)
    link = forms.CharField(label=_("Länk"), required=False, max_length=500)
    summary = forms.CharField(
        label=_("Sammanfattning och sökbar text"), required=False, widget=TEXT
    )
    lanes = forms.MultipleChoiceField(
        label=_("Simbanor"),
        choices=Lane.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activity_keys = forms.CharField(
        label=_("Aktiviteter i arbetsbeskrivningen (nycklar, kommaseparerade)"),
        required=False,
        help_text=_("T.ex. SV-01, KB-02"),
    )
    contact = forms.CharField(label=_("Vem man frågar om tolkning"), required=False)
    file = forms.FileField(
        label=_("Fil (PDF, DOCX eller ODT, högst 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,application/pdf"}),
    )
    replaces = forms.ModelChoiceField(
        label=_("Ersätter"),
        queryset=GoverningDocument.objects.filter(replaced_by__isnull=True),
        required=False,
        empty_label=_("Inget"),
        to_field_name="public_id",
    )


class QuestionForm(KeyedForm):
    text = forms.CharField(label=_("Din fråga om hur dokumentet ska tolkas"), widget=TEXT)


class AnswerForm(KeyedForm):
    answer = forms.CharField(label=_("Svar (publiceras vid dokumentet)"), widget=TEXT)


class SubGoalEditForm(SubGoalForm):
    result = forms.CharField(label=_("Resultat"), required=False, widget=TEXT)


class DeleteForm(KeyedForm):
    """Removing an item: only the one-time key."""


class AssignmentForm(KeyedForm):
    """An assignment's sections as in the seed (uppdragshandling); one question per line, the
    report-back dates as ÅÅÅÅ-MM-DD separated by commas or lines."""

    title = forms.CharField(label=_("Uppdragets rubrik"), max_length=300)
    commissioner = forms.CharField(label=_("Uppdragsgivare"), required=False, max_length=4000)
    decided_by = forms.CharField(label=_("Beslutat av"), required=False, max_length=4000)
    recipients = forms.CharField(label=_("Uppdragstagare"), required=False, widget=TEXT)
    background = forms.CharField(label=_("Bakgrund"), required=False, widget=TEXT)
    purpose = forms.CharField(label=_("Syfte"), required=False, widget=TEXT)
    goal = forms.CharField(label=_("Mål"), required=False, widget=TEXT)
    activities = forms.CharField(label=_("Aktiviteter"), required=False, widget=TEXT)
    target_group = forms.CharField(label=_("Målgrupp"), required=False, widget=TEXT)
    communication = forms.CharField(label=_("Kommunikation"), required=False, widget=TEXT)
    timeline = forms.CharField(label=_("Tidsplan"), required=False, widget=TEXT)
    resources = forms.CharField(label=_("Resurser"), required=False, widget=TEXT)
    parties = forms.CharField(label=_("Parter"), required=False, widget=TEXT)
    report_questions = forms.CharField(
        label=_("Frågor som varje återrapportering besvarar (en per rad)"),
        required=False,
        widget=TEXT,
    )
    report_due_dates = forms.CharField(
        label=_("Datum för återrapportering"),
        required=False,
        help_text=_("ÅÅÅÅ-MM-DD, flera datum skiljs med komma"),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Styrande överenskommelser och dokument"),
        queryset=GoverningDocument.objects.filter(replaced_by__isnull=True),
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_report_due_dates(self) -> list[dt.date]:
        days = []
        for part in self.cleaned_data["report_due_dates"].replace("\n", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                days.append(dt.date.fromisoformat(part))
            except ValueError:
                raise forms.ValidationError(
                    _("”%(value)s” är inget datum: skriv ÅÅÅÅ-MM-DD.") % {"value": part}
                ) from None
        return days

    def clean_report_questions(self) -> list[str]:
        return [q.strip() for q in self.cleaned_data["report_questions"].splitlines() if q.strip()]


class DecideForm(KeyedForm):
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)


class ParticipantsForm(KeyedForm):
    """Participants by organisation or unit: `rows` lines (filled ones first, then blanks)."""

    def __init__(self, *args, rows: int = 5, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for i in range(rows):
            n = i + 1
            self.fields[f"organisation_{i}"] = forms.ModelChoiceField(
                label=_("Rad %(n)d: organisation") % {"n": n},
                queryset=Principal.objects.order_by("name"),
                required=False,
                to_field_name="public_id",
            )
            self.fields[f"unit_{i}"] = forms.ModelChoiceField(
                label=_("Rad %(n)d: enhet (valfri)") % {"n": n},
                queryset=Unit.objects.select_related("principal").order_by("name"),
                required=False,
                to_field_name="public_id",
            )
            self.fields[f"registered_{i}"] = forms.IntegerField(
                label=_("Rad %(n)d: anmälda") % {"n": n}, required=False, min_value=0
            )
            self.fields[f"attended_{i}"] = forms.IntegerField(
                label=_("Rad %(n)d: deltog") % {"n": n}, required=False, min_value=0
            )

    def participants(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for i in range(self.rows):
            organisation, unit = data.get(f"organisation_{i}"), data.get(f"unit_{i}")
            if organisation is None and unit is None:
                continue
            rows.append(
                {
                    "organisation": organisation,
                    "unit": unit,
                    "registered": data.get(f"registered_{i}") or 0,
                    "attended": data.get(f"attended_{i}") or 0,
                }
            )
        return rows


class EventForm(ParticipantsForm):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    kind = forms.ChoiceField(label=_("Sort"), choices=EventKind.choices)
    held_on = forms.DateField(label=_("Datum"), widget=DATE)
    place = forms.CharField(label=_("Plats"), required=False, max_length=300)
    description = forms.CharField(label=_("Beskrivning"), required=False, widget=TEXT)

    field_order = ["title", "kind", "held_on", "place", "description"]


class FileForm(KeyedForm):
    file = forms.FileField(
        label=_("Fil (PDF, DOCX eller ODT, högst 10 MB)"),
        error_messages={"required": _("Välj en fil."), "empty": _("Filen är tom.")},
    )
