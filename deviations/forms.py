"""The deviation pages' forms: they parse only; the rules are the actions'."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core import submissions
from deviations.actions import MAX_ANSWER, MAX_CONSEQUENCE, MAX_SHORT, MAX_WHAT
from deviations.models import categories_in_force
from organisations.models import Unit


class KeyedForm(forms.Form):
    """Every form carries a one-time key, so a resubmission changes nothing."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", submissions.new_key())


def _category_choices() -> list[tuple[str, object]]:
    return [("", _("Välj kategori"))] + [(c.key, c.label) for c in categories_in_force()]


class ReportForm(KeyedForm):
    receiving_unit = forms.ModelChoiceField(
        label=_("Mottagande enhet (den part avvikelsen gäller)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Välj enhet"),
    )
    category = forms.ChoiceField(label=_("Kategori"), required=False)
    event_date = forms.DateField(
        label=_("Händelsedatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    what_happened = forms.CharField(
        label=_("Vad hände?"),
        help_text=_("Skriv vad som hände, inte vem: inga namn eller personnummer."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_WHAT}),
        required=False,
    )
    consequence = forms.CharField(
        label=_("Vad innebar det för den enskilde?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_CONSEQUENCE}),
        required=False,
    )

    def __init__(self, *args, proposed: list[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        proposed = proposed or []
        field = cast(forms.ModelChoiceField, self.fields["receiving_unit"])
        field.queryset = Unit.objects.filter(is_active=True).order_by("name")
        # The episode's parties first, then every other unit of the register.
        proposed_ids = [u.pk for u in proposed]
        others = [(u.pk, u.name) for u in field.queryset if u.pk not in proposed_ids]
        field.choices = [
            ("", _("Välj enhet")),
            (_("Parter i vårdtillfället"), [(u.pk, u.name) for u in proposed]),
            (_("Andra enheter"), others),
        ]
        cast(forms.ChoiceField, self.fields["category"]).choices = _category_choices()


class DraftForm(KeyedForm):
    reporting_unit = forms.ModelChoiceField(
        label=_("Rapporterande enhet"), queryset=Unit.objects.none(), required=False
    )
    category = forms.ChoiceField(label=_("Kategori"), required=False)
    what_happened = forms.CharField(
        label=_("Vad hände?"),
        help_text=_("Skriv vad som hände, inte vem: inga namn eller personnummer."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_WHAT}),
        required=False,
    )
    consequence = forms.CharField(
        label=_("Vad innebar det för den enskilde?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_CONSEQUENCE}),
        required=False,
    )

    def __init__(self, *args, units: list[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["reporting_unit"])
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units or []])
        field.empty_label = None
        cast(forms.ChoiceField, self.fields["category"]).choices = _category_choices()


class DismissForm(KeyedForm):
    reason = forms.CharField(
        label=_("Varför avfärdas utkastet?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_SHORT}),
        required=False,
    )


class TextForm(KeyedForm):
    """One text: a question, a reply, a reason, a comment."""

    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class PassOnForm(KeyedForm):
    unit = forms.ModelChoiceField(
        label=_("Till enhet"), queryset=Unit.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("Varför (valfritt)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, principal_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["unit"])
        field.queryset = Unit.objects.filter(
            principal_id=principal_id or 0, is_active=True
        ).order_by("name")


SYSTEMIC_CHOICES = [
    ("yes", _("Ja – en brist i systemet för samverkan (rutin, överenskommelse, it-stöd)")),
    ("no", _("Nej – en enstaka händelse")),
]


class AnswerForm(KeyedForm):
    cause = forms.CharField(
        label=_("Orsak: vad ledde till avvikelsen?"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_ANSWER}),
        required=False,
    )
    measures = forms.CharField(
        label=_("Åtgärder: vad görs för att det inte ska hända igen?"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_ANSWER}),
        required=False,
    )
    systemic = forms.ChoiceField(
        label=_("Är det en brist i systemet snarare än en enstaka miss?"),
        choices=SYSTEMIC_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )

    def systemic_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("systemic") or "")
