"""Which staff user an e-ID login names: the HSA id claim (its name a setting, since providers
differ: Inera's IdP says `http://sambi.se/attributes/1/employeeHsaId`) matched to one active
`User.hsa_id`. No user is ever created from a login: an administrator registers the person
(and their memberships) first."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model

from identity.oidc import STAFF, Login, config

log = logging.getLogger(__name__)


def hsa_id_of(login: Login) -> str:
    claim = config(STAFF).get("HSA_ID_CLAIM") or "hsa_id"
    value = login.claims.get(claim)
    return value.strip() if isinstance(value, str) else ""


def staff_user_for(hsa_id: str):
    """The one active user with this HSA id, or None (none, or — a register error — several)."""
    if not hsa_id:
        return None
    users = list(get_user_model().objects.filter(hsa_id=hsa_id, is_active=True)[:2])
    if len(users) > 1:
        log.error("OIDC staff login: HSA id %s names more than one active user", hsa_id)
        return None
    return users[0] if users else None


def is_strong(login: Login) -> bool:
    """Whether the login's acr is one the region counts as strong authentication (SITHS and
    other e-ID at LoA 3 or higher): it then stands in for the password's second factor."""
    return bool(login.acr) and login.acr in (config(STAFF).get("STRONG_ACR") or [])
