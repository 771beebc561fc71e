"""What a use case answers when it does not do what was asked.

Each error carries a `code` (a short, stable name such as `link-code-used`) and the facts the
presentation side needs to say it (`args`). The handlers, the command line and the console turn
the code into words in the person's language; a service never does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class ServiceError(Exception):
    """A refusal a person can act on."""

    default_code = "error"

    def __init__(self, code: str | None = None, /, **args: Any) -> None:
        self.code = code or self.default_code
        self.params: dict[str, Any] = args
        super().__init__(self.code)


class Forbidden(ServiceError):
    """The actor may not do this (not their office, not their region, not their role)."""

    default_code = "forbidden"


class NotFound(ServiceError):
    """What the request names does not exist (or is not the actor's to see: same answer)."""

    default_code = "not-found"


class Invalid(ServiceError):
    """The input is not acceptable; `code` says why."""

    default_code = "invalid"


class Conflict(ServiceError):
    """The state changed since the person looked: someone else (or an earlier tap) did it."""

    default_code = "conflict"

    def __init__(self, code: str | None = None, /, *, by: str | None = None,
                 at: datetime | None = None, **args: Any) -> None:
        super().__init__(code, by=by, at=at, **args)
        self.by, self.at = by, at


class Duplicate(Conflict):
    """What this unit of work wrote exists already: another worker or an earlier tap wrote it
    first (a unique key refused it at commit); nothing of this unit of work was kept."""

    default_code = "duplicate"
