"""A unit's inbox: reading, acknowledging (kvittera) and forwarding a misdirected message."""

from __future__ import annotations

from django.utils import timezone

from core import submissions
from core.errors import ActionError
from episodes import events
from episodes.actions.common import check_text, lock
from episodes.actions.parties import add_party, contact_removed, remove_party
from episodes.models import Message
from organisations.models import CARE_ROLES, Membership, Unit, User


def _recipient_membership(user: User, message: Message) -> Membership:
    membership = (
        user.active_memberships()
        .filter(unit_id=message.recipient_unit_id, role__in=CARE_ROLES)
        .first()
    )
    if membership is None:
        raise ActionError("Meddelandet är inte ställt till din enhet.", code="not_recipient")
    return membership


@events.action
def do_mark_read(user: User, message: Message) -> Message:
    """The first person at the recipient unit to open a message marks it read for the unit."""
    _recipient_membership(user, message)
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=user
    )
    message.refresh_from_db(fields=["read_at", "read_by"])
    return message


@events.action
def do_acknowledge(user: User, message: Message, *, submission_key: str | None = None) -> Message:
    """Acknowledge (kvittera) a message on behalf of its recipient unit."""
    submissions.claim(submission_key, user)
    membership = _recipient_membership(user, message)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.forwarded_to_id:
        raise ActionError("Meddelandet har skickats vidare till rätt enhet.", code="forwarded")
    if message.acknowledged_at:
        raise ActionError("Meddelandet är redan kvitterat.", code="already_acknowledged")
    now = timezone.now()
    message.acknowledged_at = now
    message.acknowledged_by = user
    if message.read_at is None:
        message.read_at, message.read_by = now, user
    message.save(update_fields=["acknowledged_at", "acknowledged_by", "read_at", "read_by"])
    events.message_acknowledged(message.episode, by=membership, at=now, message=message)
    return message


@events.action
def do_forward(
    user: User,
    message: Message,
    to_unit: Unit,
    reason: str = "",
    *,
    submission_key: str | None = None,
) -> Message:
    """Send a misdirected message on to the right unit, which becomes a unit concerned
    in place of the misdirected one."""
    submissions.claim(submission_key, user)
    membership = _recipient_membership(user, message)
    message = Message.objects.select_for_update().select_related("episode").get(pk=message.pk)
    if message.forwarded_to_id:
        raise ActionError("Meddelandet är redan vidarebefordrat.", code="already_forwarded")
    if message.acknowledged_at:
        raise ActionError(
            "Ett kvitterat meddelande kan inte skickas vidare.", code="already_acknowledged"
        )
    if to_unit.id == message.recipient_unit_id:
        raise ActionError("Välj en annan enhet än din egen.", code="same_unit", field="unit")
    reason = check_text(reason, field_name="reason", limit=500)
    episode = lock(message.episode)
    now = timezone.now()
    add_party(episode, membership, to_unit, occurred_at=now)
    copy = Message.objects.create(
        episode=episode,
        kind=message.kind,
        sender_unit=message.sender_unit,
        sender=message.sender,
        recipient_unit=to_unit,
        sent_at=now,
        body=message.body,
        data={
            **contact_removed(message.data, episode.individual),
            "forwarded_by_unit": str(message.recipient_unit.public_id),
        },
    )
    message.forwarded_to = copy
    message.save(update_fields=["forwarded_to"])
    events.message_forwarded(
        episode, by=membership, at=now, message=message, to_unit=to_unit, reason=reason
    )
    remove_party(episode, membership, message.recipient_unit, occurred_at=now, reason="misdirected")
    return copy
