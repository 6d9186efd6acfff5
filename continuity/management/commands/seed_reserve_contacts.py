"""Demo contacts for the reserve list: every active unit without one gets a telephone number
from the range PTS keeps for fiction (031-390 06 00–99) and a mailbox at an example domain.
Idempotent: units that have a contact keep it."""

from django.core.management.base import BaseCommand

from continuity.models import UnitContact
from organisations.models import Lane, Unit


class Command(BaseCommand):
    help = "Fictional downtime contacts (telephone, mailbox) for units that have none."

    def handle(self, *args, **options):
        units = Unit.objects.filter(is_active=True, reserve_contact__isnull=True).order_by("id")
        contacts = [
            UnitContact(
                unit=unit,
                phone=f"031-390 06 {unit.pk % 100:02d}",
                email=f"reserv-{unit.pk}@samsyn.example",
                hours="dygnet runt" if unit.lane == Lane.INPATIENT else "vardagar 8–17",
            )
            for unit in units
        ]
        UnitContact.objects.bulk_create(contacts)
        if options["verbosity"]:
            self.stdout.write(f"Kontaktvägar vid driftstopp: {len(contacts)} enheter.")
