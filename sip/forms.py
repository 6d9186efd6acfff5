"""The forms of the SIP pages. A form only parses; the action (`sip/actions.py`) decides.

Field names follow the actions' error fields with "." as "_" (`actions.0.principal` →
`actions_0_principal`), so a refusal lands on the field it is about.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import submissions
from organisations.models import Principal, Unit
from sip import actions
from sip.models import (
    ActionStatus,
    CloseReason,
    Consent,
    MeetingForm,
    Participant,
    PlanVersion,
    Requester,
    RequestKind,
    Sip,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK_ACTIONS = 3
BLANK_CONTACTS = 2


def text(label, *, required=False, rows=3, help_text=""):
    # No maxlength in the browser: an over-long text is refused with a message and stays in
    # the form, never cut silently.
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def error_field(name: str | None) -> str | None:
    return name.replace(".", "_") if name else None


class SipForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, sip: Sip | None = None, **kwargs):
        self.sip = sip
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", submissions.new_key())

    def add_action_error(self, error) -> None:
        field = error_field(error.field)
        visible = field in self.fields and not self.fields[field].widget.is_hidden
        self.add_error(field if visible else None, error.message)


def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class StartForm(SipForm):
    identifier = forms.CharField(label=_("Personnummer eller samordningsnummer"), max_length=20)
    given_name = forms.CharField(
        label=_("Förnamn"), required=False, help_text=_("Behövs bara om personen är ny i Samsyn.")
    )
    family_name = forms.CharField(label=_("Efternamn"), required=False)
    requested_by = forms.ChoiceField(
        label=_("Vem bad om SIP?"), choices=Requester.choices, widget=forms.RadioSelect
    )
    note = text(_("Varför behövs en SIP? (behov från båda huvudmännen)"))


class StartInStayForm(SipForm):
    note = text(_("Bedömning: vilka insatser från båda huvudmännen behövs?"))


class ConsentForm(SipForm):
    consent = forms.ChoiceField(
        label=_("Svar på erbjudandet om SIP"), choices=Consent.choices, widget=forms.RadioSelect
    )
    relative = forms.CharField(
        label=_("Närstående som kontaktades"),
        required=False,
        help_text=_("Namn och relation, när den enskilde inte kan uttrycka sin vilja."),
    )
    scope = text(_("Vad samtycket omfattar"), rows=2)
    relatives_may_take_part = forms.BooleanField(
        label=_("Närstående får delta i SIP-mötet"), required=False
    )
    note = text(_("Kommentar"), rows=2)


class InviteForm(SipForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter som kallas (från båda huvudmännen)"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    meeting_form = forms.ChoiceField(
        label=_("Mötesform"), choices=MeetingForm.choices, widget=forms.RadioSelect
    )
    meeting_at = forms.DateTimeField(label=_("Mötestid"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Plats eller länk"), required=False)
    individual_takes_part = forms.BooleanField(
        label=_("Den enskilde kallas"), required=False, initial=True
    )
    relatives = text(_("Närstående som kallas (en per rad)"), rows=2)
    others = text(
        _("Andra aktörer som kallas, t.ex. skola, Försäkringskassan (en per rad)"), rows=2
    )
    note = text(_("Meddelande i kallelsen"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = (
            Unit.objects.filter(is_active=True)
            .exclude(lane="inpatient")
            .select_related("principal")
            .order_by("principal__name", "name")
        )
        if self.sip is not None and self.sip.episode_id:
            # In a stay the ward takes part too.
            self.fields["units"].queryset = (
                Unit.objects.filter(is_active=True)
                .select_related("principal")
                .order_by("principal__name", "name")
            )
        self.fields["units"].label_from_instance = lambda u: f"{u.name} ({u.principal.name})"

    def input(self) -> actions.InvitationInput:
        data = self.cleaned_data
        return actions.InvitationInput(
            units=list(data["units"]),
            meeting_form=data["meeting_form"],
            meeting_at=data["meeting_at"],
            place=data["place"],
            individual_takes_part=data["individual_takes_part"],
            relatives=lines(data["relatives"]),
            others=lines(data["others"]),
            note=data["note"],
        )


class MeetingRecordForm(SipForm):
    attended = forms.ModelMultipleChoiceField(
        label=_("Vilka deltog i mötet?"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sip is not None:
            self.fields["attended"].queryset = self.sip.participants.filter(
                removed_at__isnull=True
            ).select_related("unit")
        self.fields["attended"].label_from_instance = lambda p: (
            f"{p.label} – {p.get_kind_display()}"
        )


class ParticipantsForm(SipForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter som bjuds in"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        required=False,
    )
    individual = forms.BooleanField(label=_("Den enskilde bjuds in"), required=False)
    relatives = text(_("Närstående som bjuds in (en per rad)"), rows=2)
    others = text(_("Andra aktörer som bjuds in (en per rad)"), rows=2)
    note = text(_("Meddelande"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Unit.objects.filter(is_active=True).select_related("principal")
        if self.sip is not None:
            queryset = queryset.exclude(
                sip_participations__sip=self.sip, sip_participations__removed_at__isnull=True
            )
            if not self.sip.episode_id:
                queryset = queryset.exclude(lane="inpatient")
        self.fields["units"].queryset = queryset.order_by("principal__name", "name")
        self.fields["units"].label_from_instance = lambda u: f"{u.name} ({u.principal.name})"

    def input(self) -> actions.ParticipantsInput:
        data = self.cleaned_data
        return actions.ParticipantsInput(
            units=list(data["units"]),
            individual=data["individual"],
            relatives=lines(data["relatives"]),
            others=lines(data["others"]),
            note=data["note"],
        )


class NewMeetingForm(SipForm):
    meeting_form = forms.ChoiceField(
        label=_("Mötesform"), choices=MeetingForm.choices, widget=forms.RadioSelect
    )
    meeting_at = forms.DateTimeField(label=_("Mötestid"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Plats eller länk"), required=False)
    note = text(_("Varför ett nytt möte?"), rows=2)

    def input(self) -> actions.MeetingInput:
        data = self.cleaned_data
        return actions.MeetingInput(
            meeting_form=data["meeting_form"],
            meeting_at=data["meeting_at"],
            place=data["place"],
            note=data["note"],
        )


class NextMeetingRecordForm(MeetingRecordForm):
    pass


def _principal_choices(sip: Sip | None):
    if sip is None:
        return Principal.objects.none()
    ids = sip.participants.filter(unit__isnull=False, removed_at__isnull=True).values(
        "unit__principal_id"
    )
    return Principal.objects.filter(pk__in=ids)


def _unit_choices(sip: Sip | None):
    if sip is None:
        return Unit.objects.none()
    ids = sip.participants.filter(unit__isnull=False, removed_at__isnull=True).values("unit_id")
    return Unit.objects.filter(pk__in=ids).select_related("principal")


class PlanForm(SipForm):
    """The whole plan, with one fieldset per action and per contact person."""

    base_version = forms.IntegerField(widget=forms.HiddenInput)
    what_matters = text(
        _("Vad är viktigt för dig? (med den enskildes egna ord)"), required=True, rows=3
    )
    needs = text(_("Behov"))
    goals = text(_("Mål"))
    individual_part = text(_("Det här gör jag själv och mina närstående"))
    others_part = text(_("Insatser av andra (t.ex. skola, Försäkringskassan)"))
    self_care = text(_("Egenvård: bedömd av hälso- och sjukvården, och vem som utför den"), rows=2)
    lead_principal = forms.ModelChoiceField(
        label=_("Huvudansvarig huvudman"), queryset=Principal.objects.none(), required=False
    )
    follow_up_date = forms.DateField(
        label=_("Uppföljningsdatum"), widget=DATE_WIDGET, required=False
    )
    note = forms.CharField(label=_("Vad ändrades och varför (valfritt)"), required=False)

    MAIN = (
        "what_matters",
        "needs",
        "goals",
        "individual_part",
        "others_part",
        "self_care",
        "lead_principal",
        "follow_up_date",
        "note",
    )

    def __init__(self, *args, version: PlanVersion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        principals = _principal_choices(self.sip)
        units = _unit_choices(self.sip)
        lead = self.fields["lead_principal"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = principals
        existing = list(version.actions.all()) if version else []
        self.action_rows: list[list[str]] = []
        for index in range(len(existing) + BLANK_ACTIONS):
            prefix = f"actions_{index}_"
            self.fields[prefix + "key"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.fields[prefix + "description"] = forms.CharField(label=_("Insats"), required=False)
            self.fields[prefix + "principal"] = forms.ModelChoiceField(
                label=_("Ansvarig huvudman"),
                queryset=Principal.objects.all(),
                required=False,
            )
            self.fields[prefix + "unit"] = forms.ModelChoiceField(
                label=_("Ansvarig enhet"),
                queryset=Unit.objects.filter(is_active=True),
                required=False,
            )
            self.fields[prefix + "person"] = forms.CharField(
                label=_("Ansvarig person (valfritt)"), required=False
            )
            self.fields[prefix + "start"] = forms.DateField(
                label=_("Start"), widget=DATE_WIDGET, required=False
            )
            self.fields[prefix + "status"] = forms.ChoiceField(
                label=_("Status"),
                choices=ActionStatus.choices,
                initial=ActionStatus.PLANNED,
                required=False,
            )
            self.action_rows.append(
                [
                    prefix + n
                    for n in ("description", "principal", "unit", "person", "start", "status")
                ]
            )
            if index < len(existing) and not self.is_bound:
                a = existing[index]
                self.initial.update(
                    {
                        prefix + "key": str(a.key),
                        prefix + "description": a.description,
                        prefix + "principal": a.principal_id,
                        prefix + "unit": a.unit_id,
                        prefix + "person": a.person,
                        prefix + "start": a.start,
                        prefix + "status": a.status,
                    }
                )
        contacts = version.contacts if version else []
        self.contact_rows: list[list[str]] = []
        unit_by_public = {str(u.public_id): u.pk for u in units}
        for index in range(len(contacts) + BLANK_CONTACTS):
            prefix = f"contacts_{index}_"
            self.fields[prefix + "unit"] = forms.ModelChoiceField(
                label=_("Enhet"), queryset=units, required=False
            )
            self.fields[prefix + "name"] = forms.CharField(label=_("Kontaktperson"), required=False)
            self.fields[prefix + "phone"] = forms.CharField(label=_("Telefon"), required=False)
            self.contact_rows.append([prefix + n for n in ("unit", "name", "phone")])
            if index < len(contacts) and not self.is_bound:
                c = contacts[index]
                self.initial.update(
                    {
                        prefix + "unit": unit_by_public.get(c["unit"]),
                        prefix + "name": c["name"],
                        prefix + "phone": c.get("phone", ""),
                    }
                )
        if version is not None and not self.is_bound:
            for name in (
                "what_matters",
                "needs",
                "goals",
                "individual_part",
                "others_part",
                "self_care",
            ):
                self.initial[name] = getattr(version, name)
            self.initial["lead_principal"] = version.lead_principal_id
            self.initial["follow_up_date"] = version.follow_up_date
        if not self.is_bound:
            self.initial["base_version"] = version.number if version else 0

    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def actions_fieldsets(self):
        return [[self[name] for name in row] for row in self.action_rows]

    def contacts_fieldsets(self):
        return [[self[name] for name in row] for row in self.contact_rows]

    def input(self) -> actions.PlanInput:
        data = self.cleaned_data
        plan_actions = []
        for index, _row in enumerate(self.action_rows):
            prefix = f"actions_{index}_"
            if not (data.get(prefix + "description") or "").strip() and not data.get(
                prefix + "principal"
            ):
                continue
            key = data.get(prefix + "key") or None
            plan_actions.append(
                actions.ActionInput(
                    description=data.get(prefix + "description") or "",
                    principal=data.get(prefix + "principal"),
                    unit=data.get(prefix + "unit"),
                    person=data.get(prefix + "person") or "",
                    start=data.get(prefix + "start"),
                    status=data.get(prefix + "status") or ActionStatus.PLANNED,
                    key=_uuid(key),
                )
            )
        contacts = []
        for index, _row in enumerate(self.contact_rows):
            prefix = f"contacts_{index}_"
            if (data.get(prefix + "name") or "").strip():
                contacts.append(
                    actions.ContactInput(
                        unit=data.get(prefix + "unit"),
                        name=data.get(prefix + "name") or "",
                        phone=data.get(prefix + "phone") or "",
                    )
                )
        return actions.PlanInput(
            what_matters=data["what_matters"],
            needs=data["needs"],
            goals=data["goals"],
            actions=plan_actions,
            lead_principal=data.get("lead_principal"),
            follow_up_date=data.get("follow_up_date"),
            individual_part=data["individual_part"],
            others_part=data["others_part"],
            self_care=data["self_care"],
            contacts=contacts,
            note=data.get("note") or "",
        )


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class FollowUpForm(SipForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput)
    next_date = forms.DateField(label=_("Nästa uppföljning"), widget=DATE_WIDGET, required=False)
    close_reason = forms.ChoiceField(
        label=_("…eller avsluta SIP:en, orsak"),
        choices=[("", _("Avsluta inte"))] + list(CloseReason.choices),
        required=False,
    )
    note = text(_("Vad kom uppföljningen fram till?"), rows=3)

    def __init__(self, *args, version: PlanVersion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_names: list[str] = []
        for action in version.actions.all() if version else []:
            name = f"statuses_{action.key}"
            self.fields[name] = forms.ChoiceField(
                label=action.description, choices=ActionStatus.choices, initial=action.status
            )
            self.status_names.append(name)
        if not self.is_bound:
            self.initial["base_version"] = version.number if version else 0
        # The action statuses first, then the outcome.
        order = [
            "submission_key",
            "base_version",
            *self.status_names,
            "next_date",
            "close_reason",
            "note",
        ]
        self.order_fields(order)

    def statuses(self) -> dict[str, str]:
        return {
            name.removeprefix("statuses_"): self.cleaned_data[name] for name in self.status_names
        }


class CloseForm(SipForm):
    reason = forms.ChoiceField(label=_("Orsak"), choices=CloseReason.choices)
    note = text(_("Kommentar"), rows=2)


class WithdrawForm(SipForm):
    note = text(_("Vad sa den enskilde? (valfritt)"), rows=2)


class AcknowledgeForm(SipForm):
    pass


class RequestForm(SipForm):
    """A SIP request or a care request (vårdbegäran) to the other principal, outside a stay."""

    kind = forms.ChoiceField(
        label=_("Vad skickar du?"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    identifier = forms.CharField(label=_("Personnummer eller samordningsnummer"), max_length=20)
    given_name = forms.CharField(
        label=_("Förnamn"), required=False, help_text=_("Behövs bara om personen är ny i Samsyn.")
    )
    family_name = forms.CharField(label=_("Efternamn"), required=False)
    to_units = forms.ModelMultipleChoiceField(
        label=_("Till (den andra huvudmannens enheter)"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    text = text(_("Vad gäller det? Vilka insatser behövs?"), required=True, rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_units"].queryset = (
            Unit.objects.filter(is_active=True)
            .exclude(lane="inpatient")
            .select_related("principal")
            .order_by("principal__name", "name")
        )
        self.fields["to_units"].label_from_instance = lambda u: f"{u.name} ({u.principal.name})"


class AnswerRequestForm(SipForm):
    answer = text(_("Svar"), required=True, rows=3)


class StartFromRequestForm(SipForm):
    note = text(_("Bedömning: vilka insatser från båda huvudmännen behövs? (valfritt)"), rows=2)


class StatisticsForm(forms.Form):
    start = forms.DateField(label=_("Från och med"), widget=DATE_WIDGET, required=False)
    end = forms.DateField(label=_("Till och med"), widget=DATE_WIDGET, required=False)
    by = forms.ChoiceField(
        label=_("Per"),
        required=False,
        choices=[
            ("unit", _("Enhet")),
            ("principal", _("Huvudman")),
            ("area", _("Område (den enskildes)")),
        ],
    )
