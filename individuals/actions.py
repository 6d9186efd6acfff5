"""Changes to an individual's own record made by a system feed (the hospital record's ADT)."""

from __future__ import annotations

from django.db import transaction

from core.errors import ActionError
from individuals.models import Individual

MAX_NAME = 100


def do_update_name(individual: Individual, given_name: str, family_name: str) -> bool:
    """Set the name the population register now has (e.g. after a change of name); False when
    it is unchanged. Both parts are needed; nothing changes on a refusal."""
    given_name, family_name = given_name.strip(), family_name.strip()
    if not given_name or not family_name:
        raise ActionError("Både förnamn och efternamn behövs.", code="required", field="name")
    if len(given_name) > MAX_NAME or len(family_name) > MAX_NAME:
        raise ActionError("Namnet är för långt.", code="too_long", field="name")
    with transaction.atomic():
        row = Individual.objects.select_for_update().get(pk=individual.pk)
        if (row.given_name, row.family_name) == (given_name, family_name):
            return False
        row.given_name, row.family_name = given_name, family_name
        row.save(update_fields=["given_name", "family_name"])
    individual.given_name, individual.family_name = given_name, family_name
    return True
