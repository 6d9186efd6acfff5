"""Merging a duplicate identity: the region's record found that two identity numbers are one
person (ADT^A40, MRG-1 the prior number into PID-3) and Samsyn follows: the prior
individual's stays and relatives move to the surviving one, the prior row is kept, marked
merged, and the merge is recorded (`IndividualMerge`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import ActionError
from episodes.models import Episode, EpisodeState, refresh_visibility
from individuals.models import Individual, IndividualMerge
from organisations.models import User

ACTIVE = (EpisodeState.ADMITTED, EpisodeState.READY)


def do_merge_individuals(
    actor: User | None, surviving: Individual, prior: Individual, *, source: str = ""
) -> IndividualMerge | None:
    """Merge `prior` into `surviving` in one transaction; None when it is already merged
    there. Refused (nothing changes) when both have a running stay, when only one of them has
    a protected identity, or when the prior one has a SIP (a person moves those)."""
    with transaction.atomic():
        rows = Individual.objects.select_for_update().filter(pk__in=[surviving.pk, prior.pk])
        locked = {row.pk: row for row in rows.order_by("pk")}
        surviving, prior = locked[surviving.pk], locked[prior.pk]
        if surviving.pk == prior.pk:
            raise ActionError("Samma person kan inte slås samman med sig själv.", code="same")
        if prior.merged_into_id == surviving.pk:
            return None
        if prior.merged_into_id is not None or surviving.merged_into_id is not None:
            raise ActionError(
                "En av identiteterna är redan sammanslagen med en annan.", code="already_merged"
            )
        if surviving.protected_identity != prior.protected_identity:
            raise ActionError(
                "Identiteterna kan inte slås samman automatiskt: bara den ena har skyddad "
                "identitet. En person måste kontrollera sammanslagningen.",
                code="protected_identity_mismatch",
            )
        running = Episode.objects.filter(state__in=ACTIVE)
        if (
            running.filter(individual=surviving).exists()
            and running.filter(individual=prior).exists()
        ):
            raise ActionError(
                "Båda identiteterna har en pågående vistelse; en person måste avsluta den ena "
                "innan de slås samman.",
                code="both_admitted",
            )
        # SIP lies above the episodes; its rows are reached through their reverse relations.
        for relation in ("sips", "sip_requests"):
            manager = getattr(prior, relation, None)
            if manager is not None and manager.exists():
                raise ActionError(
                    "Den tidigare identiteten har en SIP; en person måste flytta den innan "
                    "identiteterna slås samman.",
                    code="prior_has_sip",
                )
        moved = list(
            Episode.objects.filter(individual=prior)
            .order_by("admitted_at")
            .values_list("public_id", flat=True)
        )
        Episode.objects.filter(individual=prior).update(
            individual=surviving, updated_at=timezone.now()
        )
        # Both have the same protection (checked above); kept exact all the same.
        refresh_visibility(Episode.objects.filter(individual=surviving).values("id"))
        prior.relatives.update(individual=surviving)
        prior.merged_into = surviving
        prior.save(update_fields=["merged_into"])
        return IndividualMerge.objects.create(
            actor=actor,
            surviving=surviving,
            prior=prior,
            surviving_identifier=surviving.identifier,
            prior_identifier=prior.identifier,
            episodes=[str(public_id) for public_id in moved],
            source=source[:200],
        )
