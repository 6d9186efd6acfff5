"""The one error type an action raises when it refuses: pages show `message`, the API all three."""


class ActionError(Exception):
    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}
