"""Issue 17: an action's activity log holds net changes (process.engine.net_changes)."""

from process.engine import net_changes
from process.models import ActivityLog, EpisodeActivity, LogKind
from process.models import ActivityLog as Log
from tests.factories import admit


def _due(activity, previous, due):
    return Log(
        activity=activity, kind=LogKind.DUE_CHANGED, data={"previous": previous, "due_at": due}
    )


def test_pairs_that_undo_each_other_cancel_and_due_changes_merge():
    a, b = EpisodeActivity(), EpisodeActivity()
    logs = [
        Log(activity=None, kind=LogKind.INSTANTIATED),
        Log(activity=a, kind=LogKind.NOT_APPLICABLE),
        Log(activity=b, kind=LogKind.NOT_APPLICABLE),
        Log(activity=a, kind=LogKind.APPLICABLE),
        _due(a, None, "2026-12-01T10:00"),
        _due(a, "2026-12-01T10:00", "2026-12-02T10:00"),
        _due(b, None, "x"),
        _due(b, "x", None),
    ]
    kept = net_changes(logs)
    assert [(row.activity, row.kind) for row in kept] == [
        (None, LogKind.INSTANTIATED),
        (b, LogKind.NOT_APPLICABLE),
        (a, LogKind.DUE_CHANGED),
    ]
    assert kept[2].data == {"previous": None, "due_at": "2026-12-02T10:00"}


def test_an_admission_logs_fewer_rows_and_no_pair_that_cancels(org):
    episode = admit(org)
    rows = list(ActivityLog.objects.filter(episode=episode).order_by("id"))
    by_activity: dict = {}
    for row in rows:
        by_activity.setdefault(row.activity_id, []).append(row.kind)
    for kinds in by_activity.values():
        for first, second in zip(kinds, kinds[1:], strict=False):
            assert {first, second} != {LogKind.NOT_APPLICABLE, LogKind.APPLICABLE}
            assert not (first == second == LogKind.DUE_CHANGED)
    assert len(rows) < 100  # 124 before issue 17
