"""Domain errors: pages show their message; nothing else leaks to the user."""


class DomainError(Exception):
    """A failure the user can act on; its message is shown as is."""


class ValidationError(DomainError):
    """Bad input; `fields` maps a form field to its own message, for showing beside the field."""

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class CountedRefusal(ValidationError):
    """A refusal the database has counted (a wrong current password): the unit of work commits, then raises it."""


class Conflict(ValidationError):
    """Someone else saved the row after the form read it: reload before saving again."""


class InvalidTransition(DomainError):
    """A workflow move that the state machine does not allow."""


class NotFound(DomainError):
    """The row does not exist or is not visible to the acting user."""


class Forbidden(DomainError):
    """The acting user may not do this."""


class DatabaseUnavailable(DomainError):
    """PostgreSQL cannot be reached."""
