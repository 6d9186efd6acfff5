"""Statistics reads on a read replica (issue 17, docs/performance.md "Scale-out").

With `DATABASE_REPLICA_URL` set, settings add the database alias "replica" (a PostgreSQL
streaming replica of the primary), this router and `StatisticsOnReplica`. While a statistics
request is handled (the pages under /statistik/ and the API under /api/statistics), the reads
of the care data (`REPLICA_APPS`: stays, people, activities, deviations, SIPs, the indicators'
own tables) go to the replica, so a year's aggregation never competes with the wards' work on
the primary. Everything else reads the primary: every other request, and in a statistics
request the user, the session, the memberships and the access checks (a membership ended a
second ago must take effect at once, and a replica may lag), and every write (the access log
of the statistics pages among them).

Without `DATABASE_REPLICA_URL` nothing is routed: one database, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

REPLICA = "replica"
# The care data the statistics aggregate; read from the replica during a statistics request.
REPLICA_APPS = frozenset(
    {"episodes", "individuals", "process", "indicators", "deviations", "sip", "surveys"}
)
STATISTICS_PATHS = ("/statistik/", "/api/statistics")

_statistics: ContextVar[bool] = ContextVar("samsyn_statistics_request", default=False)


class ReplicaRouter:
    """Reads of `REPLICA_APPS` during a statistics request on the replica; the rest, and all
    writes, on the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if _statistics.get() and model._meta.app_label in REPLICA_APPS:
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the primary's rows: an object read there relates to one read here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # A real replica gets its schema by replication (and `migrate` only runs on "default");
        # the test database standing in for it is migrated like the primary.
        return True


class StatisticsOnReplica:
    """Middleware: marks a statistics request, so `ReplicaRouter` sends its reads there."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        token = _statistics.set(request.path.startswith(STATISTICS_PATHS))
        try:
            return self.get_response(request)
        finally:
            _statistics.reset(token)
