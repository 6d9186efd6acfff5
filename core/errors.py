"""The one error type an action raises when it refuses: pages show `message`, the API all three."""

# The HTTP status each kind of refusal is answered with, by the JSON API and the FHIR API alike.
FORBIDDEN_CODES = frozenset({"forbidden", "not_a_party", "not_recipient"})
CONFLICT_CODES = frozenset(
    {"duplicate_submission", "already_acknowledged", "already_ready", "already_forwarded"}
)


class ActionError(Exception):
    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    @property
    def http_status(self) -> int:
        if self.code in CONFLICT_CODES:
            return 409
        return 403 if self.code in FORBIDDEN_CODES else 400

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}
