"""The access log's one writer: every read of patient data, granted or refused, is one row.

Nothing else builds `AccessLog` rows. Callers pass what was read duck-typed (an episode is
anything with `pk` and `individual_id`, an individual anything with `pk`), so the log depends
on no app that reads patient data and every such app may call it. A list (worklist, inbox,
an API page, a drill-down) writes its rows in one statement.

One statement per request (issue 17): while a request is handled (`AccessLogPerRequest`,
in MIDDLEWARE), rows logged outside any transaction the request opened are kept and written
together in one INSERT (one commit) when the view has produced its response, before the
response leaves the server; a start page that logged its to-do list, its inbox and its
follow-ups wrote three INSERTs and three COMMITs. Never a lost row:
- the rows are written before the response is returned; if writing them fails, the request
  fails (a 500, no page with patient data), as a failed single write did;
- a view that read and then failed (an exception, a 500) still has its rows written: the
  read happened, and the log errs on the side of recording it;
- a row logged inside a transaction (an action's re-read of the episode) is written at once
  in that transaction, as before: it commits with the action or not at all.
Outside a request (jobs, commands, tests calling functions) every call writes at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, Protocol

from django.db import connection

from audit.models import AccessLog


class _Pending:
    """The rows of one request not yet written, and the transaction depth it began at."""

    def __init__(self) -> None:
        self.rows: list[AccessLog] = []
        self.depth = len(connection.atomic_blocks)


_pending: ContextVar[_Pending | None] = ContextVar("samsyn_access_log_pending", default=None)


def _write(rows: list[AccessLog]) -> None:
    pending = _pending.get()
    if pending is not None and len(connection.atomic_blocks) <= pending.depth:
        pending.rows.extend(rows)
    elif len(rows) == 1:
        rows[0].save()
    elif rows:
        AccessLog.objects.bulk_create(rows)


class AccessLogPerRequest:
    """Middleware: the request's access-log rows in one statement once the response exists."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        token = _pending.set(_Pending())
        try:
            return self.get_response(request)
        finally:
            pending = _pending.get()
            _pending.reset(token)
            if pending is not None and len(pending.rows) == 1:
                pending.rows[0].save()
            elif pending is not None and pending.rows:
                AccessLog.objects.bulk_create(pending.rows)


class EpisodeLike(Protocol):
    pk: Any
    individual_id: Any


class IndividualLike(Protocol):
    pk: Any


def _row(
    user,
    action: str,
    *,
    episode: EpisodeLike | None,
    individual: IndividualLike | None,
    unit_id: int | None,
    granted: bool,
    request,
    detail: str,
) -> AccessLog:
    if individual is not None:
        individual_id = individual.pk
    else:
        individual_id = episode.individual_id if episode is not None else None
    return AccessLog(
        user=user,
        unit_id=unit_id,
        individual_id=individual_id,
        episode_id=episode.pk if episode is not None else None,
        action=action,
        granted=granted,
        path=(request.get_full_path()[:300] if request is not None else ""),
        ip=(request.META.get("REMOTE_ADDR") if request is not None else None),
        detail=detail[:300],
    )


def log_access(
    user,
    action: str,
    *,
    episode: EpisodeLike | None = None,
    individual: IndividualLike | None = None,
    unit_id: int | None = None,
    granted: bool = True,
    request=None,
    detail: str = "",
) -> AccessLog:
    """Log one row: `user` read (or, with `granted=False`, tried to read) `episode` or
    `individual` through `unit_id`. The individual is the episode's when not given. Within
    a request the row may be written with the request's others (see the module)."""
    row = _row(
        user,
        action,
        episode=episode,
        individual=individual,
        unit_id=unit_id,
        granted=granted,
        request=request,
        detail=detail,
    )
    _write([row])
    return row


def log_access_many(
    user,
    action: str,
    reads: Iterable[tuple[EpisodeLike, int | None]],
    *,
    request=None,
    detail: str = "",
) -> None:
    """One granted row per episode shown in a list, written in one statement; `reads` pairs
    each episode with the unit through which it was shown (an episode listed twice is logged
    once, through its first unit)."""
    rows: dict[Any, AccessLog] = {}
    for episode, unit_id in reads:
        if episode.pk not in rows:
            rows[episode.pk] = _row(
                user,
                action,
                episode=episode,
                individual=None,
                unit_id=unit_id,
                granted=True,
                request=request,
                detail=detail,
            )
    _write(list(rows.values()))


def log_individuals_many(
    user,
    action: str,
    individual_ids: Iterable[int | None],
    *,
    request=None,
    detail: str = "",
) -> None:
    """One granted row per individual shown on a screen that lists people rather than
    episodes (the admin's register, the log review's own pages), in one statement; an
    individual shown twice is logged once, a row without one (None) not at all."""
    rows: dict[int, AccessLog] = {}
    for individual_id in individual_ids:
        if individual_id is not None and individual_id not in rows:
            rows[individual_id] = _row(
                user,
                action,
                episode=None,
                individual=_Id(individual_id),
                unit_id=None,
                granted=True,
                request=request,
                detail=detail,
            )
    _write(list(rows.values()))


class _Id:
    def __init__(self, pk: int):
        self.pk = pk
