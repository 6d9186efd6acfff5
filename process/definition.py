"""The definition file of the work description: parse, validate (with line numbers), load, diff.

The file (YAML, process/definitions/) is the human-readable source; `load_definition` turns a
valid file into a new `DefinitionVersion` with its `ActivityDefinition` rows. A malformed file
is refused with `DefinitionError`, which names the line and the reason, and nothing is loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction

from core.models import CountKey
from core.timerules import OffsetUnit
from episodes.models import EventKind
from episodes.rules import Step
from organisations.models import CARE_LANES, Lane, Role
from process.models import (
    ActivityDefinition,
    DeadlineKind,
    DefinitionVersion,
    Phase,
)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
CURRENT_DEFINITION = DEFINITIONS_DIR / "arbetsbeskrivning.yaml"
SCHEMA_VERSION = 1

# The episode moments a timing rule may be anchored on (see process.engine.anchor_moment).
ANCHORS = {
    "admission": "inskrivningen",
    "help_need_assessed": "bedömningen att patienten kan behöva insatser",
    "admission_notice": "inskrivningsmeddelandet",
    "estimated_discharge_date": "beräknat utskrivningsdatum",
    "ready_notice": "meddelandet om utskrivningsklar",
    "sip_invitation": "kallelsen till SIP",
    "discharge": "utskrivningen",
}

# Conditions an activity may depend on (all listed must hold; see process.engine.condition).
CONDITIONS = {
    "may_need_help": "patienten kan behöva insatser efter utskrivning",
    "voluntary_care": "inte psykiatrisk tvångsvård (LPT/LRV)",
    "compulsory_care": "psykiatrisk tvångsvård (LPT/LRV)",
    "sip_needed": "insatser behövs från både region och kommun (SIP)",
    "readmission": "återinskrivning inom 30 dagar",
}

STAFF_LANES = {lane.value for lane in CARE_LANES}

# What the individual does in Min planering that completes an activity of their own lane
# (`individual: {action: ...}` in the file; see process.actions.complete_by_citizen_action).
INDIVIDUAL_ACTIONS = {
    "own_words": "skriver vad som är viktigt för hen",
    "ask_sip": "ber om en SIP",
}
UNIT_LABELS = {"hours": "timmar", "calendar_days": "kalenderdagar", "working_days": "arbetsdagar"}

TOP_KEYS = {"schema", "name", "valid_from", "source", "effect_goals", "references", "activities"}
ACTIVITY_KEYS = {
    "id",
    "title",
    "description",
    "lane",
    "phase",
    "performer",
    "goal",
    "purpose",
    "due",
    "deadline",
    "applies_when",
    "completed_by",
    "reopened_by",
    "step",
    "individual",
    "effect_goals",
    "references",
}
REQUIRED_ACTIVITY_KEYS = (
    "id",
    "title",
    "lane",
    "phase",
    "performer",
    "goal",
    "purpose",
    "due",
    "deadline",
    "completed_by",
    "effect_goals",
)


class DefinitionError(ValueError):
    """A refused definition file: `line` (1-based, or None) and `reason` (Swedish)."""

    def __init__(self, line: int | None, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"rad {line}: {reason}" if line else reason)


class _Map(dict):
    line: int = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember their line and each key's line; duplicate keys
    in one mapping are refused instead of silently overwritten."""

    def construct_mapping(self, node, deep=False):
        mapping = _Map()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in mapping:
                raise DefinitionError(
                    key_node.start_mark.line + 1, f"nyckeln '{key}' finns två gånger"
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


def _line(mapping, key: str | None = None) -> int | None:
    if isinstance(mapping, _Map):
        return mapping.key_lines.get(key, mapping.line) if key else mapping.line
    return None


@dataclass
class ParsedDefinition:
    source: str
    sha256: str
    name: str
    valid_from: dt.date
    content: dict
    activities: list[dict]


def _text(mapping, key: str, *, required: bool = True, where: str) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DefinitionError(_line(mapping), f"{where}: '{key}' saknas (svensk text krävs)")
        return ""
    if not isinstance(value, str):
        raise DefinitionError(_line(mapping, key), f"{where}: '{key}' ska vara text")
    return " ".join(value.split()) if key != "description" else value.strip()


def _list(mapping, key: str, *, where: str) -> list:
    value = mapping.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise DefinitionError(_line(mapping, key), f"{where}: '{key}' ska vara en lista")
    return value


def parse_definition(source: str) -> ParsedDefinition:
    """Parse and validate the text of a definition file; raises DefinitionError."""
    try:
        data = yaml.load(source, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except DefinitionError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise DefinitionError(
            mark.line + 1 if mark else None, f"filen är inte giltig YAML ({error.problem})"
        ) from None
    if not isinstance(data, dict):
        raise DefinitionError(1, "filen ska innehålla en mappning med 'activities'")
    for key in data:
        if key not in TOP_KEYS:
            raise DefinitionError(_line(data, key), f"okänd nyckel '{key}'")
    if data.get("schema") != SCHEMA_VERSION:
        raise DefinitionError(_line(data, "schema"), f"'schema' ska vara {SCHEMA_VERSION}")
    name = _text(data, "name", where="definitionen")
    valid_from = data.get("valid_from")
    if not isinstance(valid_from, dt.date):
        raise DefinitionError(
            _line(data, "valid_from"), "'valid_from' ska vara ett datum (ÅÅÅÅ-MM-DD)"
        )

    goals = {}
    for goal in _list(data, "effect_goals", where="definitionen"):
        if not isinstance(goal, dict) or "id" not in goal:
            raise DefinitionError(
                _line(goal) or _line(data, "effect_goals"), "effektmål saknar 'id'"
            )
        if goal["id"] in goals:
            raise DefinitionError(_line(goal, "id"), f"effektmålet '{goal['id']}' finns två gånger")
        goals[goal["id"]] = _text(goal, "title", where=f"effektmål {goal['id']}")
    references = {}
    for ref in _list(data, "references", where="definitionen"):
        if not isinstance(ref, dict) or "id" not in ref:
            raise DefinitionError(_line(ref) or _line(data, "references"), "referens saknar 'id'")
        if ref["id"] in references:
            raise DefinitionError(_line(ref, "id"), f"referensen '{ref['id']}' finns två gånger")
        url = _text(ref, "url", where=f"referens {ref['id']}")
        if not url.startswith(("https://", "http://")):
            raise DefinitionError(
                _line(ref, "url"), f"referens {ref['id']}: 'url' ska vara en webbadress"
            )
        references[ref["id"]] = {
            "id": ref["id"],
            "title": _text(ref, "title", where=f"referens {ref['id']}"),
            "url": url,
            "note": _text(ref, "note", required=False, where="referens"),
        }

    raw_activities = _list(data, "activities", where="definitionen")
    if not raw_activities:
        raise DefinitionError(_line(data), "definitionen har inga aktiviteter")
    activities: list[dict] = []
    seen: dict[str, int | None] = {}
    for order, raw in enumerate(raw_activities, start=1):
        if not isinstance(raw, dict):
            raise DefinitionError(
                _line(data, "activities"), f"aktivitet nr {order} ska vara en mappning"
            )
        activity = _activity(raw, order, goals, references)
        if activity["key"] in seen:
            raise DefinitionError(
                _line(raw, "id"),
                f"id '{activity['key']}' finns redan (rad {seen[activity['key']]})",
            )
        seen[activity["key"]] = _line(raw, "id")
        activities.append(activity)
    _check_before_rules(activities, raw_activities)

    content = {
        "name": name,
        "valid_from": valid_from.isoformat(),
        "source": _text(data, "source", required=False, where="definitionen"),
        "effect_goals": goals,
        "references": references,
    }
    return ParsedDefinition(
        source=source,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        name=name,
        valid_from=valid_from,
        content=content,
        activities=activities,
    )


def _activity(raw, order: int, goals: dict, references: dict) -> dict:
    key = raw.get("id")
    if not isinstance(key, str) or not key.strip():
        raise DefinitionError(_line(raw), f"aktivitet nr {order} saknar 'id'")
    where = f"aktivitet {key}"
    for k in raw:
        if k not in ACTIVITY_KEYS:
            raise DefinitionError(_line(raw, k), f"{where}: okänd nyckel '{k}'")
    for k in REQUIRED_ACTIVITY_KEYS:
        if k not in raw:
            raise DefinitionError(_line(raw), f"{where}: '{k}' saknas")
    lane = raw["lane"]
    if lane not in Lane.values:
        raise DefinitionError(
            _line(raw, "lane"),
            f"{where}: okänd simbana '{lane}' (tillåtna: {', '.join(Lane.values)})",
        )
    if raw["phase"] not in Phase.values:
        raise DefinitionError(_line(raw, "phase"), f"{where}: okänd fas '{raw['phase']}'")

    performer = raw["performer"]
    if not isinstance(performer, dict):
        raise DefinitionError(_line(raw, "performer"), f"{where}: 'performer' ska ha 'roles'")
    roles = _list(performer, "roles", where=where)
    if not roles:
        raise DefinitionError(_line(raw, "performer"), f"{where}: 'performer.roles' saknas")
    for role in roles:
        if role not in Role.values:
            raise DefinitionError(_line(performer, "roles"), f"{where}: okänd roll '{role}'")
    lanes = _list(performer, "lanes", where=where) or ([lane] if lane in STAFF_LANES else [])
    if not lanes:
        raise DefinitionError(
            _line(raw, "performer"),
            f"{where}: den enskildes aktiviteter behöver 'performer.lanes' (vem som stödjer)",
        )
    for performer_lane in lanes:
        if performer_lane not in STAFF_LANES:
            raise DefinitionError(
                _line(performer, "lanes"), f"{where}: okänd simbana '{performer_lane}'"
            )

    timing, timing_label = _timing(raw, where)
    if raw["deadline"] not in DeadlineKind.values:
        raise DefinitionError(
            _line(raw, "deadline"), f"{where}: 'deadline' ska vara legal, agreed eller guidance"
        )
    conditions = _list(raw, "applies_when", where=where)
    for condition in conditions:
        if condition not in CONDITIONS:
            raise DefinitionError(
                _line(raw, "applies_when"), f"{where}: okänt villkor '{condition}'"
            )

    completion = raw["completed_by"]
    if completion == "manual":
        completion = {"manual": True}
    elif isinstance(completion, dict):
        if completion.get("event") not in EventKind.values:
            raise DefinitionError(
                _line(raw, "completed_by"),
                f"{where}: okänd händelse '{completion.get('event')}' i 'completed_by'",
            )
        for k in completion:
            if k not in ("event", "same_lane", "where", "or_manual"):
                raise DefinitionError(
                    _line(completion, k), f"{where}: okänd nyckel '{k}' i 'completed_by'"
                )
        completion = {
            "event": completion["event"],
            "same_lane": bool(completion.get("same_lane")),
            "where": dict(completion.get("where") or {}),
            "or_manual": bool(completion.get("or_manual")),
        }
    else:
        raise DefinitionError(
            _line(raw, "completed_by"), f"{where}: 'completed_by' ska vara manual eller en händelse"
        )
    reopened_by = _list(raw, "reopened_by", where=where)
    for kind in reopened_by:
        if kind not in EventKind.values:
            raise DefinitionError(_line(raw, "reopened_by"), f"{where}: okänd händelse '{kind}'")
    step = raw.get("step") or ""
    if step and step not in Step.__members__.values():
        raise DefinitionError(_line(raw, "step"), f"{where}: okänt steg '{step}'")

    individual_marks, individual_action = _individual(raw, lane, completion, where)

    effect_goals = _list(raw, "effect_goals", where=where)
    if not effect_goals:
        raise DefinitionError(_line(raw, "effect_goals"), f"{where}: minst ett effektmål krävs")
    for goal in effect_goals:
        if goal not in goals:
            raise DefinitionError(_line(raw, "effect_goals"), f"{where}: okänt effektmål '{goal}'")
    refs = []
    for ref in _list(raw, "references", where=where):
        if ref not in references:
            raise DefinitionError(_line(raw, "references"), f"{where}: okänd referens '{ref}'")
        refs.append(references[ref])

    return {
        "key": key.strip(),
        "order": order,
        "title": _text(raw, "title", where=where),
        "description": _text(raw, "description", required=False, where=where),
        "lane": lane,
        "phase": raw["phase"],
        "performer_lanes": lanes,
        "performer_roles": roles,
        "performer_label": _text(performer, "label", required=False, where=where),
        "goal": _text(raw, "goal", where=where),
        "purpose": _text(raw, "purpose", where=where),
        "timing": timing,
        "timing_label": timing_label,
        "deadline_kind": raw["deadline"],
        "conditions": conditions,
        "completion": completion,
        "reopened_by": reopened_by,
        "step": step,
        "individual_marks": individual_marks,
        "individual_action": individual_action,
        "effect_goals": effect_goals,
        "references": refs,
    }


def _individual(raw, lane: str, completion: dict, where: str) -> tuple[bool, str]:
    """`individual: {marks: true, action: own_words}`: the individual may mark the activity
    done in Min planering, and/or their own action there completes it. Only on a manual
    activity of the individual's lane (staff may still check it off)."""
    value = raw.get("individual")
    if value is None:
        return False, ""
    if not isinstance(value, dict):
        raise DefinitionError(
            _line(raw, "individual"), f"{where}: 'individual' ska ha 'marks' och/eller 'action'"
        )
    for k in value:
        if k not in ("marks", "action"):
            raise DefinitionError(_line(value, k), f"{where}: okänd nyckel '{k}' i 'individual'")
    if lane != Lane.INDIVIDUAL:
        raise DefinitionError(
            _line(raw, "individual"),
            f"{where}: 'individual' gäller bara aktiviteter i den enskildes simbana",
        )
    if not (completion.get("manual") or completion.get("or_manual")):
        raise DefinitionError(
            _line(raw, "individual"),
            f"{where}: 'individual' kräver en aktivitet som bockas av (completed_by: manual)",
        )
    marks = value.get("marks", False)
    if not isinstance(marks, bool):
        raise DefinitionError(
            _line(value, "marks"), f"{where}: 'individual.marks' ska vara true/false"
        )
    action = value.get("action") or ""
    if action and action not in INDIVIDUAL_ACTIONS:
        raise DefinitionError(
            _line(value, "action"),
            f"{where}: okänd handling '{action}' i 'individual.action' "
            f"(tillåtna: {', '.join(INDIVIDUAL_ACTIONS)})",
        )
    if not marks and not action:
        raise DefinitionError(
            _line(raw, "individual"), f"{where}: 'individual' ska ha 'marks: true' eller 'action'"
        )
    return marks, action


def _timing(raw, where: str) -> tuple[dict, str]:
    due = raw["due"]
    if not isinstance(due, dict):
        raise DefinitionError(_line(raw, "due"), f"{where}: 'due' ska ha 'anchor' eller 'before'")
    if "before" in due:
        if set(due) != {"before"}:
            raise DefinitionError(_line(due), f"{where}: 'before' kan inte kombineras med annat")
        target = due["before"]
        if not isinstance(target, str):
            raise DefinitionError(
                _line(due, "before"), f"{where}: 'before' ska vara en händelse eller ett id"
            )
        if target in ANCHORS:
            return {"before": target}, f"före {ANCHORS[target]}"
        return {"before": target}, ""  # an activity id: checked once all ids are known
    anchor = due.get("anchor")
    if anchor not in ANCHORS:
        raise DefinitionError(
            _line(due, "anchor"),
            f"{where}: okänd händelse '{anchor}' i 'due.anchor' (tillåtna: {', '.join(ANCHORS)})",
        )
    count = due.get("count")
    if count is not None:
        if "amount" in due:
            raise DefinitionError(
                _line(due, "count"), f"{where}: ange 'due.amount' eller 'due.count', inte båda"
            )
        if count not in CountKey.values:
            raise DefinitionError(
                _line(due, "count"),
                f"{where}: okänt regionalt antal '{count}' i 'due.count' "
                f"(tillåtna: {', '.join(CountKey.values)})",
            )
    amount = due.get("amount", 0)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise DefinitionError(
            _line(due, "amount"), f"{where}: 'due.amount' ska vara ett heltal ≥ 0"
        )
    unit = due.get("unit", "calendar_days")
    if unit not in OffsetUnit.__members__.values():
        raise DefinitionError(
            _line(due, "unit"),
            f"{where}: 'due.unit' ska vara hours, calendar_days eller working_days",
        )
    for k in due:
        if k not in ("anchor", "amount", "count", "unit"):
            raise DefinitionError(_line(due, k), f"{where}: okänd nyckel '{k}' i 'due'")
    if count is not None:
        # The number is regional configuration with a validity period, read when a due time
        # is computed (`process.engine.due_for`); the label names the rule, not a number.
        label = f"inom {{count}} {UNIT_LABELS[unit]} efter {ANCHORS[anchor]}"
        return {"anchor": anchor, "count": count, "unit": unit}, label
    if amount == 0 and unit != "hours":
        label = f"samma dag som {ANCHORS[anchor]}"
    elif amount == 0:
        label = f"vid {ANCHORS[anchor]}"
    else:
        label = f"inom {amount} {UNIT_LABELS[unit]} efter {ANCHORS[anchor]}"
    return {"anchor": anchor, "amount": amount, "unit": unit}, label


def _check_before_rules(activities: list[dict], raws: list) -> None:
    """'before <activity id>' must name a known activity, and the rules must not form a cycle."""
    by_key = {a["key"]: a for a in activities}
    raw_by_key = {a["key"]: r for a, r in zip(activities, raws, strict=True)}
    for activity in activities:
        target = activity["timing"].get("before")
        if target and target not in ANCHORS:
            if target not in by_key:
                raise DefinitionError(
                    _line(raw_by_key[activity["key"]]["due"], "before"),
                    f"aktivitet {activity['key']}: 'before' nämner okänd händelse "
                    f"eller aktivitet '{target}'",
                )
            activity["timing_label"] = f"före {target} {by_key[target]['title']}"
    for activity in activities:
        path = [activity["key"]]
        current = activity
        while (target := current["timing"].get("before")) and target in by_key:
            if target in path:
                cycle = " → ".join(path[path.index(target) :] + [target])
                raise DefinitionError(
                    _line(raw_by_key[activity["key"]]["due"], "before"),
                    f"aktivitet {activity['key']}: 'before'-reglerna bildar en cirkel ({cycle})",
                )
            path.append(target)
            current = by_key[target]


@transaction.atomic
def load_definition(
    source: str, *, source_path: str = "", user=None
) -> tuple[DefinitionVersion, bool]:
    """Load a definition text as a new version; (version, created). Loading the text of an
    existing version returns that version unchanged (idempotent)."""
    parsed = parse_definition(source)
    existing = DefinitionVersion.objects.filter(source_sha256=parsed.sha256).first()
    if existing:
        return existing, False
    latest = DefinitionVersion.objects.select_for_update().order_by("-number").first()
    try:
        with transaction.atomic():
            version = DefinitionVersion.objects.create(
                number=(latest.number + 1) if latest else 1,
                name=parsed.name,
                valid_from=parsed.valid_from,
                source_sha256=parsed.sha256,
                source=source,
                source_path=source_path,
                content=parsed.content,
                loaded_by=user,
            )
    except IntegrityError:
        # Another process loaded the same text (or took the number) at the same moment.
        existing = DefinitionVersion.objects.filter(source_sha256=parsed.sha256).first()
        if existing:
            return existing, False
        raise
    ActivityDefinition.objects.bulk_create(
        [ActivityDefinition(version=version, **activity) for activity in parsed.activities]
    )
    return version, True


def load_file(path: Path = CURRENT_DEFINITION, *, user=None) -> tuple[DefinitionVersion, bool]:
    return load_definition(path.read_text(encoding="utf-8"), source_path=str(path.name), user=user)


def ensure_current_definition() -> DefinitionVersion:
    """The current version, loading the repository's definition file if it is not loaded yet."""
    version, _created = load_file()
    latest = DefinitionVersion.current()
    return latest if latest and latest.number > version.number else version


# -- what changed between two versions -------------------------------------------------------

COMPARED_FIELDS = {
    "title": "Titel",
    "description": "Beskrivning",
    "lane": "Simbana",
    "phase": "Fas",
    "performer_roles": "Utförare (roller)",
    "performer_lanes": "Utförare (simbanor)",
    "goal": "Mål",
    "purpose": "Syfte",
    "timing": "Tidpunkt",
    "deadline_kind": "Typ av tidsfrist",
    "conditions": "Gäller när",
    "completion": "Klar när",
    "individual_marks": "Den enskilde kan markera",
    "individual_action": "Klar genom den enskildes handling",
    "effect_goals": "Effektmål",
    "references": "Referenser",
}


@dataclass
class ActivityChange:
    key: str
    title: str
    kind: str  # "added", "removed", "changed"
    fields: list[tuple[str, object, object]]


def diff_versions(old: DefinitionVersion, new: DefinitionVersion) -> list[ActivityChange]:
    """Activities added, removed and changed (field by field) from `old` to `new`."""
    before = {a.key: a for a in old.activities.all()}
    after = {a.key: a for a in new.activities.all()}
    changes: list[ActivityChange] = []
    for key, activity in after.items():
        if key not in before:
            changes.append(ActivityChange(key, activity.title, "added", []))
            continue
        fields = [
            (label, getattr(before[key], name), getattr(activity, name))
            for name, label in COMPARED_FIELDS.items()
            if getattr(before[key], name) != getattr(activity, name)
        ]
        if fields:
            changes.append(ActivityChange(key, activity.title, "changed", fields))
    for key, activity in before.items():
        if key not in after:
            changes.append(ActivityChange(key, activity.title, "removed", []))
    order = {"removed": 0, "changed": 1, "added": 2}
    return sorted(changes, key=lambda c: (order[c.kind], c.key))
