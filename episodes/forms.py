"""The forms of the episode pages: one per step, each carrying a submission key.

A form only parses; the action (`episodes/actions.py`) decides. `STEP_FORMS` maps each step
to its form, its action call and its Swedish title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import submissions
from core.forms import LocalDateTimeField
from episodes import actions
from episodes.models import DischargeDestination, ExitReason
from episodes.rules import Step
from individuals.identifiers import InvalidIdentifier, ParsedIdentifier, parse_identifier
from organisations.models import Lane, Unit

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_LIMIT = actions.MAX_TEXT


def text_field(label, *, required=False, limit=TEXT_LIMIT, rows=3):
    # No maxlength in the browser: an over-long text reaches the server and is refused with a
    # message, and the typed text stays in the form instead of being cut silently.
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class StepForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    # Steps that cannot be undone: the page asks for a confirmation first (works without JS).
    needs_confirmation = False

    def __init__(self, *args, episode=None, user=None, **kwargs):
        self.episode = episode
        self.user = user
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", submissions.new_key())


class NoteForm(StepForm):
    note = text_field(_("Kommentar"))


class EstimatedDateForm(StepForm):
    date = forms.DateField(label=_("Beräknat utskrivningsdatum"), widget=DATE_WIDGET)


class PartiesForm(StepForm):
    add = forms.ModelMultipleChoiceField(
        label=_("Lägg till berörda enheter"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    remove = forms.ModelMultipleChoiceField(
        label=_("Ta bort berörda enheter"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.episode.parties.filter(removed_at__isnull=True, role="concerned").values(
            "unit_id"
        )
        self.fields["add"].queryset = (
            Unit.objects.filter(is_active=True)
            .exclude(lane=Lane.INPATIENT)
            .exclude(id__in=current)
            .select_related("principal")
            .order_by("principal__name", "name")
        )
        self.fields["remove"].queryset = Unit.objects.filter(id__in=current).order_by("name")


def with_headings(parts: list[tuple[str | Promise, str]]) -> str:
    """The filled parts as "Heading:\ntext" blocks, in order, so that the receiving unit reads
    the headings the sender filled in (empty parts are left out)."""
    return "\n\n".join(f"{heading}:\n{text.strip()}" for heading, text in parts if text.strip())


# The lanes whose planned actions a planning message names, in the work description's order.
PLANNING_LANES = [
    Lane.INPATIENT,
    Lane.REGIONAL_PRIMARY_CARE,
    Lane.MUNICIPAL_HEALTH_CARE,
    Lane.SOCIAL_SERVICES,
]


class PlanningForm(StepForm):
    """The planning message under the work description's headings: status, remaining needs,
    planned actions per lane, and what the individual wants. The action keeps three texts;
    the form writes the lanes and the individual's wishes into them under their headings."""

    status = text_field(_("Status"), rows=2)
    wishes = text_field(_("Vad den enskilde vill"), rows=2)
    remaining_needs = text_field(_("Kvarstående behov"), rows=2)
    actions_inpatient = text_field(_("Planerade insatser – Slutenvård"), rows=2)
    actions_regional_primary_care = text_field(
        _("Planerade insatser – Regional primärvård"), rows=2
    )
    actions_municipal_health_care = text_field(
        _("Planerade insatser – Kommunal hälso- och sjukvård"), rows=2
    )
    actions_social_services = text_field(_("Planerade insatser – Socialtjänst"), rows=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["status"] = (
            with_headings(
                [
                    (_("Status"), data.get("status", "")),
                    (_("Vad den enskilde vill"), data.get("wishes", "")),
                ]
            )
            if data.get("wishes", "").strip()
            else data.get("status", "")
        )
        data["planned_actions"] = with_headings(
            [(lane.label, data.get(f"actions_{lane.value}", "")) for lane in PLANNING_LANES]
        )
        return data


def _party_units(episode, *, lanes=None):
    units = Unit.objects.filter(
        parties__episode=episode, parties__removed_at__isnull=True, parties__role="concerned"
    )
    return units.filter(lane__in=lanes) if lanes else units


class CareRequestForm(StepForm):
    """The care request under the same headings as the planning message; its body is the
    filled headings in order."""

    unit = forms.ModelChoiceField(label=_("Till enhet"), queryset=Unit.objects.none())
    status = text_field(_("Status"), rows=2)
    wishes = text_field(_("Vad den enskilde vill"), rows=2)
    needs = text_field(_("Insatser som behövs efter utskrivningen"), required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _party_units(self.episode, lanes=actions.MUNICIPAL_LANES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["body"] = with_headings(
            [
                (_("Status"), data.get("status", "")),
                (_("Vad den enskilde vill"), data.get("wishes", "")),
                (_("Insatser som behövs efter utskrivningen"), data.get("needs", "")),
            ]
        )
        return data


class FreeMessageForm(StepForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Till"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    body = text_field(_("Meddelande"), required=True, rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(
            parties__episode=self.episode, parties__removed_at__isnull=True
        ).distinct()
        if self.user is not None:  # one's own units are not offered: a message goes elsewhere
            units = units.exclude(id__in=[m.unit_id for m in self.user.active_memberships()])
        self.fields["units"].queryset = units


class CareContactForm(StepForm):
    name = forms.CharField(label=_("Fast vårdkontakt (namn och titel)"), max_length=200)


YES_NO = [("yes", _("Ja")), ("no", _("Nej"))]


class HelpNeedForm(StepForm):
    may_need_help = forms.ChoiceField(
        label=_("Kan behöva insatser efter utskrivning"), choices=YES_NO, widget=forms.RadioSelect
    )


class SipNeedForm(StepForm):
    needed = forms.ChoiceField(
        label=_("Behövs SIP (insatser från både region och kommun)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    note = text_field(_("Kommentar"), rows=2)


class SipOfferForm(StepForm):
    consent = forms.ChoiceField(
        label=_("Svar på erbjudandet"),
        choices=list(actions.SIP_CONSENT.items()),
        widget=forms.RadioSelect,
    )
    consent_by = forms.ChoiceField(
        label=_("Vem svarade"), choices=list(actions.SIP_CONSENT_BY.items())
    )
    note = text_field(_("Kommentar"), rows=2)


class SipInvitationForm(StepForm):
    meeting_at = LocalDateTimeField(label=_("Tid för SIP-mötet"), widget=DATETIME_WIDGET)
    note = text_field(_("Meddelande till deltagarna"), rows=2)


class OccurredForm(StepForm):
    occurred_at = LocalDateTimeField(
        label=_("Tidpunkt (lämna tom för nu)"), required=False, widget=DATETIME_WIDGET
    )


class OccurredNoteForm(OccurredForm):
    note = text_field(_("Kommentar"), rows=2)


class ReasonForm(StepForm):
    reason = text_field(_("Orsak"), required=True, rows=2)


class RevokeForm(ReasonForm):
    needs_confirmation = True


# No answer is preselected where a wrong default would be recorded as fact.
CHOOSE = [("", _("— välj —"))]


class DischargeForm(StepForm):
    needs_confirmation = True
    destination = forms.ChoiceField(
        label=_("Utskrivning till"),
        choices=CHOOSE + list(DischargeDestination.choices),
        error_messages={"required": _("Välj vart patienten skrivs ut.")},
    )
    discharged_at = LocalDateTimeField(
        label=_("Utskrivningstid (lämna tom för nu)"), required=False, widget=DATETIME_WIDGET
    )
    note = text_field(_("Kommentar"), rows=2)


class ExitForm(StepForm):
    needs_confirmation = True
    reason = forms.ChoiceField(
        label=_("Orsak"),
        choices=CHOOSE + list(ExitReason.choices),
        error_messages={"required": _("Välj varför processen avbryts.")},
    )
    occurred_at = LocalDateTimeField(
        label=_("Tidpunkt (lämna tom för nu)"), required=False, widget=DATETIME_WIDGET
    )
    note = text_field(_("Kommentar"), rows=2)


class CorrectAdmissionForm(StepForm):
    admitted_at = LocalDateTimeField(label=_("Rätt inskrivningstid"), widget=DATETIME_WIDGET)
    reason = text_field(_("Orsak till rättelsen"), required=True, rows=2)


@dataclass(frozen=True)
class StepSpec:
    form: type[StepForm]
    title: str | Promise  # gettext_lazy
    submit: str | Promise
    call: Callable[[Any, Any, dict, str], Any]
    done: str | Promise | None = None  # what the page says after it; else "Klart: <title>."


def _yes(value: str) -> bool:
    return value == "yes"


STEP_FORMS: dict[Step, StepSpec] = {
    Step.SEND_ADMISSION_NOTICE: StepSpec(
        NoteForm,
        _("Inskrivningsmeddelande"),
        _("Skicka inskrivningsmeddelande"),
        lambda u, e, d, k: actions.do_send_admission_notice(u, e, note=d["note"], submission_key=k),
    ),
    Step.SET_ESTIMATED_DATE: StepSpec(
        EstimatedDateForm,
        _("Beräknat utskrivningsdatum"),
        _("Spara datum"),
        lambda u, e, d, k: actions.do_set_estimated_date(u, e, d["date"], submission_key=k),
    ),
    Step.EDIT_PARTIES: StepSpec(
        PartiesForm,
        _("Berörda enheter"),
        _("Spara enheter"),
        lambda u, e, d, k: actions.do_edit_parties(
            u, e, add=list(d["add"]), remove=list(d["remove"]), submission_key=k
        ),
    ),
    Step.ASSESS_HELP_NEED: StepSpec(
        HelpNeedForm,
        _("Behov av insatser efter utskrivning"),
        _("Spara bedömning"),
        lambda u, e, d, k: actions.do_assess_help_need(
            u, e, _yes(d["may_need_help"]), submission_key=k
        ),
    ),
    Step.SEND_PLANNING_MESSAGE: StepSpec(
        PlanningForm,
        _("Planeringsmeddelande"),
        _("Skicka planeringsmeddelande"),
        lambda u, e, d, k: actions.do_send_planning_message(
            u,
            e,
            actions.PlanningInput(d["status"], d["remaining_needs"], d["planned_actions"]),
            submission_key=k,
        ),
    ),
    Step.SEND_CARE_REQUEST: StepSpec(
        CareRequestForm,
        _("Vårdbegäran"),
        _("Skicka vårdbegäran"),
        lambda u, e, d, k: actions.do_send_care_request(
            u, e, d["unit"], d["body"], submission_key=k
        ),
    ),
    Step.SEND_FREE_MESSAGE: StepSpec(
        FreeMessageForm,
        _("Meddelande"),
        _("Skicka meddelande"),
        lambda u, e, d, k: actions.do_send_free_message(
            u, e, list(d["units"]), d["body"], submission_key=k
        ),
    ),
    Step.APPOINT_CARE_CONTACT: StepSpec(
        CareContactForm,
        _("Fast vårdkontakt"),
        _("Utse fast vårdkontakt"),
        lambda u, e, d, k: actions.do_appoint_care_contact(u, e, d["name"], submission_key=k),
    ),
    Step.ASSESS_SIP_NEED: StepSpec(
        SipNeedForm,
        _("Behov av SIP"),
        _("Spara bedömning"),
        lambda u, e, d, k: actions.do_assess_sip_need(
            u, e, _yes(d["needed"]), d["note"], submission_key=k
        ),
    ),
    Step.RECORD_SIP_OFFER: StepSpec(
        SipOfferForm,
        _("Erbjudande om SIP"),
        _("Spara svar"),
        lambda u, e, d, k: actions.do_record_sip_offer(
            u, e, d["consent"], d["consent_by"], d["note"], submission_key=k
        ),
    ),
    Step.RECORD_SIP_INVITATION: StepSpec(
        SipInvitationForm,
        _("Kallelse till SIP"),
        _("Skicka kallelse"),
        lambda u, e, d, k: actions.do_record_sip_invitation(
            u, e, d["meeting_at"], d["note"], submission_key=k
        ),
    ),
    Step.SEND_READY_NOTICE: StepSpec(
        OccurredForm,
        _("Utskrivningsklar"),
        _("Skicka meddelande om utskrivningsklar"),
        lambda u, e, d, k: actions.do_send_ready_notice(
            u, e, occurred_at=d["occurred_at"], submission_key=k
        ),
    ),
    Step.REVOKE_READY_NOTICE: StepSpec(
        RevokeForm,
        _("Återta utskrivningsklar"),
        _("Återta utskrivningsklar"),
        lambda u, e, d, k: actions.do_revoke_ready_notice(u, e, d["reason"], submission_key=k),
        _("Utskrivningsklar är återtagen. Berörda enheter har fått besked."),
    ),
    Step.RECORD_INFORMATION_TRANSFER: StepSpec(
        OccurredNoteForm,
        _("Informationsöverföring"),
        _("Registrera informationsöverföring"),
        lambda u, e, d, k: actions.do_record_information_transfer(
            u, e, d["note"], occurred_at=d["occurred_at"], submission_key=k
        ),
    ),
    Step.RECORD_SUMMARY: StepSpec(
        OccurredNoteForm,
        _("Skriftlig sammanfattning till patienten"),
        _("Registrera sammanfattning"),
        lambda u, e, d, k: actions.do_record_summary(
            u, e, d["note"], occurred_at=d["occurred_at"], submission_key=k
        ),
    ),
    Step.DISCHARGE: StepSpec(
        DischargeForm,
        _("Utskrivning"),
        _("Skriv ut"),
        lambda u, e, d, k: actions.do_discharge(
            u,
            e,
            d["destination"],
            discharged_at=d["discharged_at"],
            note=d["note"],
            submission_key=k,
        ),
    ),
    Step.CANCEL_DISCHARGE: StepSpec(
        RevokeForm,
        _("Makulera utskrivningen"),
        _("Makulera utskrivningen"),
        lambda u, e, d, k: actions.do_cancel_discharge(u, e, d["reason"], submission_key=k),
        _(
            "Utskrivningen är makulerad: vårdtillfället pågår igen. "
            "Berörda enheter har fått besked."
        ),
    ),
    Step.EXIT: StepSpec(
        ExitForm,
        _("Avbryt processen"),
        _("Avbryt processen"),
        lambda u, e, d, k: actions.do_exit(
            u, e, d["reason"], d["note"], occurred_at=d["occurred_at"], submission_key=k
        ),
    ),
    Step.CORRECT_ADMISSION: StepSpec(
        CorrectAdmissionForm,
        _("Rätta inskrivningstid"),
        _("Spara rättelse"),
        lambda u, e, d, k: actions.do_correct_admission(
            u, e, d["admitted_at"], d["reason"], submission_key=k
        ),
    ),
}


class AdmissionForm(forms.Form):
    """A new admission. Units concerned are proposed from residence and listing.

    `proposing`: the nurse asked for proposals ("Hämta och föreslå enheter"): only the
    identity number must be valid then; nothing is written.
    """

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    identifier = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("10 eller 12 siffror, t.ex. 19410708-9981"),
    )
    reserve_number = forms.BooleanField(label=_("Reservnummer"), required=False)
    given_name = forms.CharField(label=_("Förnamn"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Efternamn"), max_length=100, required=False)
    municipality_area = forms.ChoiceField(label=_("Folkbokförd i (kommun/område)"), required=False)
    listed_unit = forms.ModelChoiceField(
        label=_("Listad på vårdcentral"),
        required=False,
        queryset=Unit.objects.filter(lane=Lane.REGIONAL_PRIMARY_CARE, is_active=True),
    )
    ward = forms.ModelChoiceField(label=_("Avdelning"), queryset=Unit.objects.none())
    admitted_at = LocalDateTimeField(label=_("Inskriven"), widget=DATETIME_WIDGET)
    may_need_help = forms.BooleanField(
        label=_("Läkaren bedömer att patienten kan behöva insatser efter utskrivning"),
        required=False,
    )
    estimated_discharge_date = forms.DateField(
        label=_("Beräknat utskrivningsdatum"), required=False, widget=DATE_WIDGET
    )
    is_compulsory_care = forms.BooleanField(
        label=_("Psykiatrisk tvångsvård (LPT/LRV)"), required=False
    )
    concerned_units = forms.ModelMultipleChoiceField(
        label=_("Berörda enheter"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    send_admission_notice = forms.BooleanField(
        label=_("Skicka inskrivningsmeddelande nu"), required=False
    )

    def __init__(self, *args, wards, area_choices, unit_choices, proposing=False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["listed_unit"].empty_label = "—"
        self.fields["ward"].queryset = wards
        if len(wards) == 1:  # the usual case: a nurse works at one ward, so it is chosen
            self.fields["ward"].empty_label = None
            self.fields["ward"].widget = forms.HiddenInput()
            self.initial.setdefault("ward", wards[0].pk)
            self.only_ward = wards[0]
        else:
            self.only_ward = None
        self.fields["municipality_area"].choices = [("", "—")] + area_choices
        self.fields["concerned_units"].queryset = unit_choices
        if proposing:
            for name, field in self.fields.items():
                field.required = name == "identifier"
        self.parsed: ParsedIdentifier | None = None
        if not self.is_bound:
            self.initial.setdefault("submission_key", submissions.new_key())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identifier"):
            try:
                self.parsed = parse_identifier(
                    data["identifier"], reserve=bool(data.get("reserve_number"))
                )
            except InvalidIdentifier as error:
                self.add_error("identifier", error.message)
        return data

    def unit_groups(self) -> list[dict[str, Any]]:
        """The unit checkboxes grouped by principal (municipality or region) and lane. A group
        holding a checked unit comes first and open, its other units folded below it, so that
        the proposal is what the keyboard passes through."""
        field = self["concerned_units"]
        checked = {str(v) for v in (field.value() or [])}
        units_field = self.fields["concerned_units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units = {str(u.pk): u for u in units_field.queryset or []}
        groups: dict[str, dict[str, Any]] = {}
        for box in field:
            unit = units.get(str(box.data["value"]))
            if unit is None:
                continue
            group = groups.setdefault(
                unit.principal.name,
                {"name": unit.principal.name, "checked": {}, "others": {}, "count": 0},
            )
            is_checked = str(unit.pk) in checked
            part = group["checked"] if is_checked else group["others"]
            part.setdefault(unit.get_lane_display(), []).append(box)
            group["count"] += is_checked
        return sorted(groups.values(), key=lambda g: (g["count"] == 0, g["name"]))

    def raw_values(self) -> dict[str, Any]:
        """The submitted values, as initial data for the form shown again."""
        return {
            name: field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            for name, field in self.fields.items()
        }
