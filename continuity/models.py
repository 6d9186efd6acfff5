"""How a unit is reached when Samsyn is down: the contacts printed on the reserve list."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitContact(models.Model):
    """A unit's telephone and functional mailbox for the reserve routine (one per unit)."""

    unit = models.OneToOneField(
        "organisations.Unit", on_delete=models.CASCADE, related_name="reserve_contact"
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("funktionsbrevlåda"), blank=True)
    hours = models.CharField(_("nås"), max_length=120, blank=True, help_text=_("t.ex. dygnet runt"))

    class Meta:
        verbose_name = _("kontaktväg vid driftstopp")
        verbose_name_plural = _("kontaktvägar vid driftstopp")

    def __str__(self) -> str:
        return f"{self.unit}: {self.phone or self.email}"
