"""Domain errors: raised by services, shown to the user as a clear message."""


class DomainError(Exception):
    """A rule of the procedure refused the step. The message is translated and user-facing."""

    def __init__(self, message, *, code="domain_error"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


class TransitionNotAllowed(DomainError):
    def __init__(self, message):
        super().__init__(message, code="transition_not_allowed")


class PermissionDenied(DomainError):
    def __init__(self, message):
        super().__init__(message, code="permission_denied")


class StaleEdit(DomainError):
    """Someone else saved the record since it was opened. `changes` lists what they changed."""

    def __init__(self, message, *, changes=None):
        super().__init__(message, code="stale_edit")
        self.changes = changes or []
