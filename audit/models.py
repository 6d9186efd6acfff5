"""The access log: every read of patient data, as patientdatalagen (4 kap. 3 §) requires."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessLog(models.Model):
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What was read or tried: "episode.view", "individual.search", "api.episode.get", …
    action = models.CharField(max_length=64)
    # False when the user asked for something they may not see: the attempt is logged too.
    granted = models.BooleanField(default=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # Log review per individual and per user, newest first.
            models.Index(fields=["individual", "at"], name="accesslog_individual"),
            models.Index(fields=["user", "at"], name="accesslog_user"),
        ]
