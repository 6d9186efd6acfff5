"""The test OP's users carry the claims an e-ID provider would assert (HSA id, personal identity
number, acr), read from the JSON file server.py was given. Two keys bend a real token the way
a faulty or hostile provider would: `_exp_offset` (seconds from now; negative = expired) and
`_nonce` (another nonce than the client sent)."""

import json
import os
import time


def id_token_claims(id_token, user, **kwargs):
    with open(os.environ["TEST_OP_USERS"], encoding="utf-8") as handle:
        users = json.load(handle)["users"]
    claims = dict(users.get(user.username, {}).get("claims", {}))
    exp_offset = claims.pop("_exp_offset", None)
    nonce = claims.pop("_nonce", None)
    id_token.update(claims)
    if exp_offset is not None:
        id_token["iat"] = int(time.time()) + exp_offset - 600
        id_token["exp"] = int(time.time()) + exp_offset
    if nonce is not None:
        id_token["nonce"] = nonce
    return id_token
