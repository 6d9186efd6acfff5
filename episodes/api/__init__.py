"""The JSON API of the care-episode core: individuals, episodes, events, messages, inboxes.

Every endpoint is thin: it parses, resolves public ids to rows (an unknown id answers 404
naming the field), reaches patient data only through `episodes.access` (which logs every
read, granted or not), calls the action of `episodes.actions`, and serialises. Refusals are
`{"errors": [{"field", "code", "message"}]}` (see `samsyn/api.py` for the status codes).

An `Idempotency-Key` header on a POST is handed to the action as its submission key: the same
key a second time is refused with 409 `duplicate_submission` and changes nothing.

`router` (mounted at `/api/` by `samsyn/api.py`) gathers the endpoints by concept:
`register` (who am I, units, individuals), `episodes` (reading, admission), `steps` (one POST
per action), `messages` (inbox, read, acknowledge, forward); `common` holds what they share.
"""

from ninja import Router

from episodes.api import episodes, messages, register, steps
from episodes.api.common import answer_not_found

router = Router(tags=["episodes"])
router.add_decorator(answer_not_found)
# In this order in the OpenAPI document and in /api/docs.
router.add_router("", register.router)
router.add_router("", episodes.router)
router.add_router("", steps.router)
router.add_router("", messages.router)
