"""Recompute every party's end of read access (`Party.visible_until`).

The column is a cache of the rule in `episodes.models.visibility_end`, which reads
`SAMSYN_ACCESS_AFTER_REMOVAL_DAYS` and `SAMSYN_ACCESS_AFTER_END_DAYS`. The actions keep it
up to date as parties, stays and protections change, but a change of either setting makes
every stored value stale: run this command right after changing them (and before the new
settings serve users), or need-to-know keeps the old windows.

1. Walks the episodes in id order, `--chunk` at a time.
2. For each chunk, `refresh_visibility` reads the parties and writes only the rows whose
   value differs, each chunk in its own transaction.
3. Prints how many rows changed. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from episodes.models import Episode, refresh_visibility


class Command(BaseCommand):
    help = (
        "Recompute Party.visible_until for every party. Must be run after changing "
        "SAMSYN_ACCESS_AFTER_REMOVAL_DAYS or SAMSYN_ACCESS_AFTER_END_DAYS: the stored "
        "ends of access are stale until it has run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--chunk", type=int, default=5000, help="episodes per transaction")

    def handle(self, *args, chunk: int, **options) -> None:
        changed, last = 0, 0
        while True:
            ids = list(
                Episode.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk]
            )
            if not ids:
                break
            last = ids[-1]
            with transaction.atomic():
                changed += refresh_visibility(ids)
        self.stdout.write(f"{changed} parties changed")
