"""What the job runner keeps between runs: when each periodic job runs next, and up to when
each unit has been told about its inbox and its deadlines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Unit


class JobSchedule(models.Model):
    """The next run of one periodic job. Whoever moves `next_run_at` on (a conditional UPDATE)
    enqueues that run, so several workers never start two chains of the same job."""

    name = models.CharField(_("jobb"), max_length=80, unique=True)
    next_run_at = models.DateTimeField(_("nästa körning"))

    class Meta:
        verbose_name = _("schemalagt jobb")
        verbose_name_plural = _("schemalagda jobb")

    def __str__(self) -> str:
        return self.name


class UnitNotification(models.Model):
    """Up to when a unit has been told by e-mail: of messages sent to its inbox up to
    `messages_until`, of deadlines falling up to `deadlines_until`."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="notification")
    messages_until = models.DateTimeField()
    deadlines_until = models.DateTimeField()

    class Meta:
        verbose_name = _("avisering till enhet")
        verbose_name_plural = _("aviseringar till enheter")
