"""What the ticket use cases share: storage's refusals as service errors, and the policy."""

from __future__ import annotations

from types import TracebackType

from services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from storage.tickets import TicketError, TicketPolicy

# Storage's reasons, by the kind of refusal; the code is the catalog key `ticket-refused-<reason>`.
_KINDS: dict[str, type[ServiceError]] = {
    "not-found": NotFound, "no-office": Forbidden, "not-yours": Forbidden,
    "not-answerer": Forbidden, "cannot-claim": Forbidden,
    "closed": Conflict, "already-rated": Conflict, "not-closed": Conflict, "taken": Conflict,
}

PREFIX = "ticket-refused-"


def refusal(reason: str, **args: object) -> ServiceError:
    return _KINDS.get(reason, Invalid)(PREFIX + reason, **args)


def reason(error: ServiceError) -> str:
    """`closed` of `ticket-refused-closed`: what the handlers decide on."""
    return error.code.removeprefix(PREFIX)


class refusals:
    """Storage's `TicketError` raised inside, as the service error a person is told; usable
    beside the unit of work (`async with uow, refusals():`) or on its own (`with`)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if isinstance(error, TicketError):
            raise refusal(error.reason, **error.args_) from error

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        self.__exit__(kind, error, traceback)


def policy_or_default(policy: TicketPolicy | None) -> TicketPolicy:
    return policy if policy is not None else TicketPolicy()
