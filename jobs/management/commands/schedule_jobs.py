"""Start the periodic jobs' chain: enqueue a sweep now unless one is already waiting."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import JobSchedule
from jobs.tasks import SWEEP, sweep_and_notify


class Command(BaseCommand):
    help = "Enqueue the periodic sweep and e-mail job for the worker (idempotent)."

    def handle(self, *args, **options):
        path = f"{sweep_and_notify.func.__module__}.{sweep_and_notify.func.__qualname__}"
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            self.stdout.write("The sweep is already scheduled.")
            return
        JobSchedule.objects.update_or_create(name=SWEEP, defaults={"next_run_at": timezone.now()})
        sweep_and_notify.enqueue()
        self.stdout.write("The sweep is enqueued; `manage.py db_worker` runs it.")
