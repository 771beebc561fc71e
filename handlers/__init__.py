"""The whole conversation map: every feature's router, composed here and only here."""

from __future__ import annotations

from functools import cache

from aiogram import F, Router
from aiogram.types import CallbackQuery

from handlers import (
    association,
    contact,
    declaration,
    discrepancy,
    evidence,
    experts,
    fallback,
    hq,
    results,
    review,
    start,
    survey,
)

# A button goes down the tree past every feature before the wizard's, and aiogram tries each
# feature's handlers one by one: a feature whose buttons all share a few prefixes says so here,
# and any other button skips it whole (`buttons_only`). A new button of one of these features
# needs its prefix here; tests/unit/test_button_prefixes.py reads the handlers to check.
BUTTON_PREFIXES: dict[Router, tuple[str, ...]] = {
    survey.router: ("sv:",),
    contact.router: ("tk:o:", "menu:contact"),
    experts.router: ("tk:e:",),
    start.router: ("of:", "lang:", "menu:offices", "menu:main", "menu:help", "menu:lang"),
    discrepancy.router: ("dc:", "menu:disc"),
    results.router: ("menu:results",),
}


def build_router() -> Router:
    """The root router, ready to include in a dispatcher (one process may build several)."""
    root = _tree()
    # aiogram refuses to attach a router twice; the demo and the tests build several dispatchers
    # in one process, so detach the tree from the previous one. The tree itself holds no state.
    # A private attribute (aiogram/dispatcher/router.py), fenced by
    # tests/unit/test_fenced_upstream.py until each feature module builds its own (`setup()`).
    root._parent_router = None
    return root


@cache
def _tree() -> Router:
    root = Router(name="root")
    root.include_router(fallback.groups)
    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    staff = Router(name="staff")  # each staff router also checks its own role
    staff.message.filter(review.HasRole("reviewer", "association", "hq"))
    staff.callback_query.filter(review.HasRole("reviewer", "association", "hq"))
    staff.include_routers(review.router, association.router, hq.router)
    answerers = Router(name="answerers")  # linked experts, region liaisons, hq
    answerers.message.filter(experts.IsAnswerer())
    answerers.callback_query.filter(experts.IsAnswerer())
    answerers.include_router(experts.router)
    private.include_routers(
        survey.router,         # citizens' survey (/start s_…), owners' and regions' /survey
        contact.router,        # the owner's questions to experts (its steps end on any other
        answerers,             # button, so it comes first), and the experts' inbox
        start.router,          # /start, linking, menu, language
        discrepancy.router,    # base-data discrepancies (its steps come before the wizard's)
        staff,                 # reviewers (/review), associations (/scores), hq (/publish)
        results.router,        # the owner's «My results»
        fallback.commands,     # commands nobody above took: never an answer to a question
        declaration.router,    # the wizard's buttons and typed answers
        evidence.router,       # photos and PDFs
        fallback.router,       # stale buttons and anything else: last
    )
    root.include_router(private)
    for router, prefixes in BUTTON_PREFIXES.items():
        buttons_only(router, *prefixes)
    return root


def buttons_only(router: Router, *prefixes: str) -> None:
    """`router` takes only the buttons whose data starts with one of `prefixes`: a button of
    another feature is refused at its door instead of by each of its handlers in turn. Its
    outer middlewares (a writing step ended by any other button) still see every button."""

    async def its_own(callback: CallbackQuery) -> bool:
        return (callback.data or "").startswith(prefixes)

    router.callback_query.filter(its_own)
