"""Two people at once through the console, on SQLite and PostgreSQL: of two reviewers
confirming (or one confirming while the other returns) the same declaration, one wins and the
other is told; of two browsers opening the same link, one gets a session."""

from __future__ import annotations

import asyncio
import re

from services.staff import add_staff
from tests.console.conftest import Served, browser_client, signed_in
from tests.review.conftest import REVIEWER_4, SARI, file_declaration, status_of

SECOND_REVIEWER_4 = ("bale", 7014)


async def test_two_reviewers_at_once_one_wins(served_db: Served) -> None:
    world = served_db.world
    await add_staff(world.uow(), platform=SECOND_REVIEWER_4[0], user_id=SECOND_REVIEWER_4[1],
                    role="reviewer", region=4, name="دوم")
    for second_action in ("confirm", "return"):
        filed = await file_declaration(world, SARI) if second_action == "confirm" else None
        if filed is None:
            from sqlalchemy import delete

            from storage.models import Declaration
            async with world.session() as session:
                await session.execute(delete(Declaration))
                await session.commit()
            filed = await file_declaration(world, SARI)
        async with browser_client() as one, browser_client() as two:
            csrf_one = await signed_in(one, await served_db.link(REVIEWER_4))
            csrf_two = await signed_in(two, await served_db.link(SECOND_REVIEWER_4))
            base = f"{served_db.base}/d/{filed.declaration_id}"

            async def post(client: object, url: str, form: dict[str, str]) -> tuple[int, str]:
                async with client.post(url, data=form,  # type: ignore[attr-defined]
                                       allow_redirects=False) as response:
                    return response.status, await response.text()

            second = ((base + "/confirm", {"csrf": csrf_two}) if second_action == "confirm"
                      else (base + "/return", {"csrf": csrf_two, "comment-0": "دوباره",
                                               "grace": "0"}))
            results = await asyncio.gather(post(one, base + "/confirm", {"csrf": csrf_one}),
                                           post(two, *second))
        statuses = sorted(status for status, _ in results)
        assert statuses == [303, 409], results
        loser = next(text for status, text in results if status == 409)
        # The loser is told who got there first and when (issue 18's race answers).
        assert re.search(r"این خوداظهاری را .+ ساعت [۰-۹]{2}:[۰-۹]{2} (تأیید کرده|برای اصلاح)",
                         loser), loser
        assert await status_of(world, filed.declaration_id) in ("confirmed", "returned")


async def test_one_link_opened_twice_at_once_gives_one_session(served_db: Served) -> None:
    link = await served_db.link(REVIEWER_4)

    async def open_link() -> int:
        async with browser_client() as client:
            async with client.get(link, allow_redirects=False) as response:
                return response.status

    results = await asyncio.gather(*(open_link() for _ in range(6)))
    assert sorted(results) == [303] + [410] * 5, results
