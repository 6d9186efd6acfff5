from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import submissions
from episodes.models import DischargeDestination, Episode
from portal.models import Variant
from portal.summary import TEXT_LIMIT, NurseInput

TOO_LONG = {"max_length": _("Texten är för lång (högst 2000 tecken).")}  # TEXT_LIMIT


class SummaryForm(forms.Form):
    """What the nurse adds to the written summary. Missing facts are told by
    `portal.summary.missing`, not here, so that every gap is named at once."""

    # Claimed by the action when the summary is given: a second click gives nothing twice.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    variant = forms.ChoiceField(label=_("Språk"), choices=Variant.choices, initial=Variant.PLAIN)
    care_given = forms.CharField(
        label=_("Vården den enskilde har fått"),
        help_text=_("Skriv så att den enskilde förstår, utan förkortningar."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages=TOO_LONG,
        required=False,
    )
    medication_changes = forms.CharField(
        label=_("Ändringar i läkemedel"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        error_messages=TOO_LONG,
        required=False,
    )
    watch_for = forms.CharField(
        label=_("Det här ska den enskilde vara uppmärksam på"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        error_messages=TOO_LONG,
        required=False,
    )
    contact_reach = forms.CharField(
        label=_("Så når den enskilde sin fasta vårdkontakt"),
        help_text=_("Till exempel telefonnummer och tider."),
        max_length=200,
        error_messages={"max_length": _("Texten är för lång (högst 200 tecken).")},
        required=False,
    )
    destination = forms.ChoiceField(
        label=_("Vart den enskilde skrivs ut"),
        choices=[("", _("Välj"))] + list(DischargeDestination.choices),
        required=False,
    )
    discharge_date = forms.DateField(
        label=_("Utskrivningsdag"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )

    def __init__(self, *args, episode: Episode, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", submissions.new_key())
        if episode.discharged_at:
            # Known from the discharge itself.
            del self.fields["destination"]
            del self.fields["discharge_date"]

    def nurse_input(self) -> NurseInput:
        data = self.cleaned_data
        return NurseInput(
            variant=data["variant"],
            care_given=data["care_given"],
            medication_changes=data["medication_changes"],
            watch_for=data["watch_for"],
            contact_reach=data["contact_reach"],
            destination=data.get("destination", ""),
            discharge_date=data.get("discharge_date"),
            submission_key=data["submission_key"] or None,
        )


# -- Min planering ------------------------------------------------------------------------------


class OwnWordsForm(forms.Form):
    """ "Det som är viktigt för mig" ahead of the SIP meeting (the SIP module checks it)."""

    text = forms.CharField(
        label=_("Det här är viktigt för mig"),
        help_text=_(
            "Skriv med dina egna ord: hur du vill ha det, vad du oroar dig för, vad du vill "
            "klara själv. De som kommer till SIP-mötet läser det."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class AskSipForm(forms.Form):
    text = forms.CharField(
        label=_("Vill du berätta varför? (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class GrantForm(forms.Form):
    """The individual gives a person access to their Min planering (portal.actions checks)."""

    identifier = forms.CharField(
        label=_("Personens personnummer"),
        help_text=_(
            "12 siffror, till exempel 19121212-1212. Personen loggar in med sin e-legitimation."
        ),
        required=False,
    )
    name = forms.CharField(label=_("Personens namn"), required=False)
    relation = forms.CharField(
        label=_("Vem är personen för dig?"),
        help_text=_("Till exempel dotter, make, granne."),
        required=False,
    )
    valid_to = forms.DateField(
        label=_("Får se mina uppgifter till och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": _("Skriv dagen som ÅÅÅÅ-MM-DD.")},
    )


class LegalRepresentativeForm(forms.Form):
    """Staff record a legal representative with the decision it rests on."""

    kind = forms.ChoiceField(label=_("Sorts företrädare"), required=False)
    identifier = forms.CharField(label=_("Företrädarens personnummer"), required=False)
    name = forms.CharField(label=_("Företrädarens namn"), required=False)
    basis = forms.CharField(
        label=_("Beslutet det bygger på"),
        help_text=_("Till exempel: Överförmyndarens beslut 2026-10-01, dnr 123."),
        required=False,
    )
    valid_from = forms.DateField(
        label=_("Gäller från"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": _("Skriv dagen som ÅÅÅÅ-MM-DD.")},
    )
    valid_to = forms.DateField(
        label=_("Gäller till och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": _("Skriv dagen som ÅÅÅÅ-MM-DD.")},
    )

    def __init__(self, *args, **kwargs):
        from portal.models import LEGAL_KINDS, RepresentationKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Välj"))] + [
            (kind.value, kind.label) for kind in RepresentationKind if kind in LEGAL_KINDS
        ]
