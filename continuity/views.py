"""The reserve routine's pages: the unit's list (print view and CSV) and the blank form."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.reserve import printed_at, reserve_list, unit_for_reserve, units_for_reserve
from episodes.models import MessageKind


@login_required
def reserve_home(request):
    return render(request, "continuity/home.html", {"units": units_for_reserve(request.user)})


@login_required
def reserve_print(request, public_id):
    unit = unit_for_reserve(request.user, public_id)
    rows = reserve_list(request.user, unit, action="continuity.reserve_list", request=request)
    return render(
        request,
        "continuity/list.html",
        {"unit": unit, "rows": rows, "printed_at": printed_at()},
    )


@login_required
def reserve_csv(request, public_id):
    unit = unit_for_reserve(request.user, public_id)
    rows = reserve_list(request.user, unit, action="continuity.reserve_csv", request=request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reservlista-{unit.public_id}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Personnummer"),
            _("Namn"),
            _("Avdelning"),
            _("Inskriven"),
            _("Status"),
            _("Beräknat utskrivningsdatum"),
            _("Nästa steg"),
            _("Senast"),
            _("Fast vårdkontakt"),
            _("Övriga parter och kontaktvägar"),
        ]
    )
    for row in rows:
        episode = row.episode
        writer.writerow(
            [
                episode.individual.display_identifier,
                episode.individual.full_name,
                episode.ward.name,
                _local(episode.admitted_at),
                episode.get_state_display(),
                episode.estimated_discharge_date or "",
                row.next.label,
                _local(row.next.due_at) if row.next.due_at else "",
                " ".join(
                    filter(None, [episode.care_contact_name, str(episode.care_contact_unit or "")])
                ),
                " | ".join(_party_contact(p) for p in row.other_parties),
            ]
        )
    return response


@login_required
def reserve_form(request):
    return render(
        request,
        "continuity/form.html",
        {"kinds": MessageKind.choices, "units": units_for_reserve(request.user)},
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _party_contact(party) -> str:
    contact = getattr(party.unit, "reserve_contact", None)
    reach = ", ".join(filter(None, [contact.phone, contact.email])) if contact else ""
    text = f"{party.unit.name} ({party.unit.principal.name}; {party.get_role_display()})"
    return f"{text}: {reach}" if reach else text
