from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from competence.coverage import NOT_STAFF
from competence.imports import DELIMITERS
from competence.models import Module, Session
from organisations.models import Membership, User


class CompletionForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        # staff only: people with a membership in a role counted as staff
        queryset=User.objects.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk")).exclude(role__in=NOT_STAFF)),
            is_active=True,
        ).order_by("last_name", "first_name", "username"),
        error_messages={"required": _("Välj vem som har genomfört modulen.")},
    )
    module = forms.ModelChoiceField(
        label=_("Modul"),
        queryset=Module.objects.select_related("course"),
        error_messages={"required": _("Välj modul.")},
    )
    completed_on = forms.DateField(
        label=_("Slutförd (ÅÅÅÅ-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Ange datum."),
            "invalid": _("Datumet kan inte läsas: skriv ÅÅÅÅ-MM-DD."),
        },
    )
    session = forms.ModelChoiceField(
        label=_("Kurstillfälle (valfritt)"),
        queryset=Session.objects.select_related("course"),
        required=False,
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil från lärplattformen"),
        error_messages={"required": _("Välj en fil."), "empty": _("Filen är tom.")},
    )
    delimiter = forms.ChoiceField(
        label=_("Avgränsare"), choices=list(DELIMITERS.items()), initial=";"
    )
