"""The whole conversation map: every feature's router, composed here and only here."""

from __future__ import annotations

from aiogram import F, Router

from handlers import (
    association,
    console,
    contact,
    declaration,
    discrepancy,
    errors,
    evidence,
    experts,
    fallback,
    hq,
    results,
    review,
    start,
    survey,
)


def build_router() -> Router:
    """The root router, ready to include in a dispatcher: a new tree at each call, since aiogram
    attaches a router to one parent and one process may build several dispatchers (the demo,
    the tests)."""
    root = Router(name="root")
    root.include_router(errors.setup())  # whatever raises below, the person is answered
    root.include_router(fallback.setup_groups())
    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    staff = Router(name="staff")  # each staff router also checks its own role
    staff.message.filter(review.HasRole("reviewer", "association", "hq"))
    staff.callback_query.filter(review.HasRole("reviewer", "association", "hq"))
    staff.include_routers(review.setup(), association.setup(), hq.setup())
    answerers = Router(name="answerers")  # linked experts, region liaisons, hq
    answerers.message.filter(experts.IsAnswerer())
    answerers.callback_query.filter(experts.IsAnswerer())
    answerers.include_router(experts.setup())
    private.include_routers(
        console.setup(),       # /console: a staff member's one-time link to the web console
        survey.setup(),        # citizens' survey (/start s_…), owners' and regions' /survey
        contact.setup(),       # the owner's questions to experts (its steps end on any other
        answerers,             # button, so it comes first), and the experts' inbox
        start.setup(),         # /start, linking, menu, language
        discrepancy.setup(),   # base-data discrepancies (its steps come before the wizard's)
        staff,                 # reviewers (/review), associations (/scores), hq (/publish)
        results.setup(),       # the owner's «My results»
        fallback.setup_commands(),  # commands nobody above took: never an answer to a question
        declaration.setup(),   # the wizard's buttons and typed answers
        evidence.setup(),      # photos and PDFs
        fallback.setup(),      # stale buttons and anything else: last
    )
    root.include_router(private)
    return root

