"""The owner's declaration as use cases on SQLite and PostgreSQL: the draft opened once, answers
validated by the rubric, the position recorded with the answer, evidence kept once, the staff
list, refusals for someone else's or a closed declaration, and two submissions at once."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.owner import say
from scoring.calendar import TEHRAN
from scoring.text import to_persian_digits
from services import linking
from services.declaration import (
    BadAnswer,
    ConfirmFirst,
    Incomplete,
    NoQuestion,
    NotEditable,
    Submitted,
    answers,
    evidence,
    staff,
    submit,
    wizard,
)
from services.declaration.evidence import FileMeta
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.position import Position
from storage.accounts import Actor
from storage.models import AuditLog, Declaration, Evidence, Outbox
from tests.services.conftest import NOW, World
from texts.i18n import Translator

TAPS = 4  # a double tap, and two phones doing the same
HOLDER = "09382413657"  # the licence holder of the demo office 16598444 (urban)


async def owner(world: World, user_id: int = 9100) -> Actor:
    actor = await world.person("telegram", user_id, "زهرا")
    linked = await linking.link_by_contact(world.uow(), actor, contact_user_id=user_id,
                                           phone=HOLDER)
    assert isinstance(linked, linking.Linked)
    return linked.actor


async def count(world: World, model: type, *where: object) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(model).where(*where)) or 0)


def photo(sha: str = "a" * 64) -> FileMeta:
    return FileMeta(sha, 2048, "image/jpeg", None, f"file-{sha[:4]}")


async def complete(world: World, actor: Actor) -> None:
    """Answer every question of the urban sample rubric, with the files it asks for."""
    p = world.period.id
    uow = world.uow()
    await wizard.resume(uow, actor, NOW)
    answered = await answers.answer_text(uow, actor, NOW, "85")
    assert answered.draft.position == Position.evidence("area")
    await evidence.attach(uow, actor, NOW, "area", photo())
    draft = (await evidence.done(uow, actor, NOW, p, "area")).draft
    assert draft.position == Position.question("staff")
    await staff.done(uow, actor, NOW, p)
    await answers.choose(uow, actor, NOW, p, "location_urban", "0")
    await answers.answer_text(uow, actor, NOW, "0")
    await answers.yes_no(uow, actor, NOW, p, "step_free", False)
    done = await answers.toggle_done(uow, actor, NOW, p, "facilities")
    assert done.draft.position is None and done.draft.missing() == []


async def test_resume_opens_one_draft_and_asks_the_first_question(world: World) -> None:
    actor = await owner(world)
    first = await wizard.resume(world.uow(), actor, NOW)
    again = await wizard.resume(world.uow(), actor, NOW)
    assert first.draft.view.id == again.draft.view.id
    assert first.at == Position.question("area")
    assert first.draft.view.current_item == "area"
    assert await count(world, Declaration) == 1
    assert await count(world, AuditLog, AuditLog.action == "declaration.open") == 1


async def test_an_answer_is_validated_and_moves_on_with_its_position(world: World) -> None:
    actor = await owner(world)
    await wizard.resume(world.uow(), actor, NOW)
    refused = await answers.answer_text(world.uow(), actor, NOW, "دوازده")
    assert refused.what == "refused" and refused.reask
    assert refused.error is not None and refused.error.code == "answer-not-a-number"
    saved = await answers.answer_text(world.uow(), actor, NOW, "۸۵")
    assert saved.draft.view.answers["area"] == 85
    assert saved.draft.position == Position.evidence("area")
    with pytest.raises(NoQuestion) as waiting:
        await answers.answer_text(world.uow(), actor, NOW, "90")
    assert waiting.value.code == "evidence-expects-file"
    reread = await wizard.current(world.uow(), actor, NOW)
    assert reread.view.current_item == "ev:area" and reread.view.answers["area"] == 85


async def test_a_button_value_is_validated_by_the_rubric(world: World) -> None:
    actor = await owner(world)
    p = world.period.id
    with pytest.raises(BadAnswer) as unknown:
        await answers.choose(world.uow(), actor, NOW, p, "location_urban", "palace")
    assert unknown.value.code == "answer-unknown-option"
    with pytest.raises(NotFound):
        await answers.choose(world.uow(), actor, NOW, p, "location_urban", "17")
    with pytest.raises(NotFound) as gone:
        await wizard.ask(world.uow(), actor, NOW, p, "no_such_item")
    assert gone.value.code == "item-gone"
    with pytest.raises(NotEditable) as stale:
        await answers.choose(world.uow(), actor, NOW, p + 7, "location_urban", "0")
    assert stale.value.code == "stale-button"
    by_key = await answers.choose(world.uow(), actor, NOW, p, "location_urban", "main_street")
    by_place = await answers.choose(world.uow(), actor, NOW, p, "location_urban", "0")
    assert by_key.draft.view.answers["location_urban"] == "main_street"
    assert by_place.draft.view.answers["location_urban"] == "main_street"


async def test_back_skip_and_toggle(world: World) -> None:
    actor = await owner(world)
    p = world.period.id
    await wizard.resume(world.uow(), actor, NOW)
    back = await wizard.ask(world.uow(), actor, NOW, p, "staff", back=True)
    assert back.position == Position.question("area")
    with pytest.raises(Invalid) as required:
        await wizard.skip(world.uow(), actor, NOW, p, "area")
    assert required.value.code == "cannot-skip"
    ticked = await answers.toggle(world.uow(), actor, NOW, p, "facilities", "0")
    assert ticked.draft.view.answers["facilities"] == ["ramp"]
    assert ticked.draft.position == Position.question("facilities")  # stays on the question
    unticked = await answers.toggle(world.uow(), actor, NOW, p, "facilities", "ramp")
    assert unticked.draft.view.answers["facilities"] == []


async def test_the_staff_list_add_rename_mark_remove(world: World) -> None:
    actor = await owner(world)
    p = world.period.id
    await wizard.ask(world.uow(), actor, NOW, p, "staff")
    added = await answers.answer_text(world.uow(), actor, NOW, "علی رضایی")
    assert added.what == "member" and added.index == 0
    marked = await staff.toggle_field(world.uow(), actor, NOW, p, 0, "insured")
    assert marked.member["insured"] is True
    asked = await staff.ask_rename(world.uow(), actor, NOW, p, 0)
    assert asked.draft.view.current_item == "sr:0"
    renamed = await answers.answer_text(world.uow(), actor, NOW, "رضا کریمی")
    assert renamed.what == "member" and renamed.member["name"] == "رضا کریمی"
    assert renamed.draft.position == Position.question("staff")
    with pytest.raises(NotFound):
        await staff.toggle_field(world.uow(), actor, NOW, p, 0, "no_field")
    with pytest.raises(NotFound):
        await staff.member(world.uow(), actor, NOW, p, 5)
    removed = await staff.remove(world.uow(), actor, NOW, p, 0)
    assert removed.member["name"] == "رضا کریمی"
    assert removed.draft.view.answers["staff"] == []


async def test_the_same_file_twice_is_one_row(world: World) -> None:
    actor = await owner(world)
    await wizard.resume(world.uow(), actor, NOW)
    await answers.answer_text(world.uow(), actor, NOW, "85")
    waiting = await evidence.awaiting(world.uow(), actor, NOW)
    assert waiting.item is not None and waiting.item.key == "area"
    first = await evidence.attach(world.uow(), actor, NOW, "area", photo())
    second = await evidence.attach(world.uow(), actor, NOW, "area", photo())
    assert (first.added, first.count) == (True, 1)
    assert (second.added, second.count) == (False, 1)
    assert await count(world, Evidence) == 1
    assert await count(world, AuditLog, AuditLog.action == "evidence.add") == 1
    other = await evidence.attach(world.uow(), actor, NOW, "area", photo("b" * 64))
    assert other.count == 2
    await evidence.remove(world.uow(), actor, NOW, world.period.id,
                          first.draft.view.evidence[0].id)
    assert await count(world, Evidence, Evidence.removed_at.is_(None)) == 1
    with pytest.raises(Conflict):  # removed already
        await evidence.remove(world.uow(), actor, NOW, world.period.id,
                              first.draft.view.evidence[0].id)


async def test_someone_elses_file_cannot_be_removed(world: World) -> None:
    actor = await owner(world)
    await wizard.resume(world.uow(), actor, NOW)
    await answers.answer_text(world.uow(), actor, NOW, "85")
    mine = await evidence.attach(world.uow(), actor, NOW, "area", photo())
    stranger = await world.person("bale", 9999)
    with pytest.raises(NotEditable) as refused:
        await evidence.remove(world.uow(), stranger, NOW, world.period.id,
                              mine.draft.view.evidence[0].id)
    assert refused.value.code == "not-linked"
    assert await count(world, Evidence, Evidence.removed_at.is_(None)) == 1


async def test_a_reminder_button_for_another_office_is_refused(world: World) -> None:
    actor = await owner(world)
    with pytest.raises(Forbidden) as refused:
        await wizard.resume(world.uow(), actor, NOW, office_id=actor.office_ids[0] + 1)
    assert refused.value.code == "not-your-office"


async def test_a_closed_period_refuses_changes_but_shows_the_review(world: World) -> None:
    actor = await owner(world)
    await wizard.resume(world.uow(), actor, NOW)
    later = world.period.closes_at + timedelta(hours=1)
    with pytest.raises(NotEditable) as closed:
        await answers.answer_text(world.uow(), actor, later, "85")
    assert closed.value.code == "declaration-closed"
    assert closed.value.params["date"] < world.period.closes_at
    draft = await wizard.overview(world.uow(), actor, later)
    assert draft.view.raw == {}


async def test_submit_asks_first_refuses_incomplete_and_editing_reopens(world: World) -> None:
    actor = await owner(world)
    p = world.period.id
    await wizard.resume(world.uow(), actor, NOW)
    incomplete = await submit.submit(world.uow(), actor, NOW, p, confirmed=True)
    assert isinstance(incomplete, Incomplete) and incomplete.missing
    await complete(world, actor)
    assert isinstance(await submit.submit(world.uow(), actor, NOW, p, confirmed=False),
                      ConfirmFirst)
    done = await submit.submit(world.uow(), actor, NOW, p, confirmed=True)
    assert isinstance(done, Submitted)
    with pytest.raises(Conflict) as again:
        await submit.submit(world.uow(), actor, NOW, p, confirmed=True)
    assert again.value.code == "submit-already-by"
    status = await submit.status(world.uow(), actor, NOW)
    assert status is not None and status.status == "submitted"
    edited = await answers.yes_no(world.uow(), actor, NOW, p, "step_free", True)
    assert edited.draft.view.status == "draft"


async def test_two_submissions_at_once_submit_once(world: World) -> None:
    actor = await owner(world)
    await complete(world, actor)
    # Warm the pool first, so both start at once rather than one while the other connects.
    await asyncio.gather(*(submit.status(world.uow(), actor, NOW) for _ in range(TAPS)))
    outcomes = await asyncio.gather(
        *(submit.submit(world.uow(), actor, NOW, world.period.id, confirmed=True)
          for _ in range(TAPS)), return_exceptions=True)
    won = [o for o in outcomes if isinstance(o, Submitted)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == TAPS - 1, outcomes
    # Each loser is told who submitted it and when: the winner's audit row, Tehran time.
    assert {e.code for e in lost} == {"submit-already-by"}
    async with world.sessionmaker() as session:
        at = await session.scalar(select(AuditLog.at).where(
            AuditLog.action == "declaration.status"))
    clock = to_persian_digits(at.astimezone(TEHRAN).strftime("%H:%M"))
    assert {say(Translator("fa"), e) for e in lost} == {
        f"این خوداظهاری را زهرا ساعت {clock} ارسال کرده است."}
    assert say(Translator("en"), lost[0]) == \
        f"زهرا submitted this declaration at {at.astimezone(TEHRAN):%H:%M}."
    assert await count(world, AuditLog, AuditLog.action == "declaration.status") == 1
    async with world.sessionmaker() as session:
        version = await session.scalar(select(Declaration.version))
    assert version == 1


async def test_the_same_file_sent_twice_at_once_is_one_row(world: World) -> None:
    actor = await owner(world)
    await wizard.resume(world.uow(), actor, NOW)
    await answers.answer_text(world.uow(), actor, NOW, "85")
    await asyncio.gather(*(submit.status(world.uow(), actor, NOW) for _ in range(TAPS)))
    outcomes = await asyncio.gather(
        *(evidence.attach(world.uow(), actor, NOW, "area", photo()) for _ in range(TAPS)))
    assert sorted(o.added for o in outcomes) == [False] * (TAPS - 1) + [True]
    assert {o.count for o in outcomes} == {1}
    assert await count(world, Evidence) == 1


async def test_the_same_value_twice_at_once_keeps_a_submission(world: World) -> None:
    """Issue 20: re-entering the answer a submitted declaration has (a double tap on both
    phones) changes nothing; a different value reopens it, once."""
    actor = await owner(world)
    p = world.period.id
    await complete(world, actor)
    assert isinstance(await submit.submit(world.uow(), actor, NOW, p, confirmed=True),
                      Submitted)
    audits = await count(world, AuditLog)
    same = await asyncio.gather(*(answers.yes_no(world.uow(), actor, NOW, p, "step_free", False)
                                  for _ in range(2)))
    assert [a.draft.view.status for a in same] == ["submitted", "submitted"]
    assert await count(world, AuditLog) == audits  # nothing written
    kept = await wizard.next_from(world.uow(), actor, NOW, p, "step_free")
    assert kept.view.status == "submitted" and kept.position == Position.question("facilities")
    changed = await answers.yes_no(world.uow(), actor, NOW, p, "step_free", True)
    assert changed.draft.view.status == "draft"
    async with world.sessionmaker() as session:
        declaration = await session.scalar(select(Declaration))
        assert declaration is not None and declaration.status == "draft"


@pytest.mark.parametrize("rounds", [3])
async def test_an_edit_and_a_reviewer_opening_at_once_are_ordered(world: World,
                                                                   rounds: int) -> None:
    """Issue 20: an owner's edit of a submitted declaration and a reviewer's opening of it at
    the same moment: either the edit wins (a draft, not under review) or the opening does (still
    submitted, under review, the edit refused with nothing written); never both."""
    from services import review
    from services.declaration import NotEditable
    from services.staff import add_staff

    actor = await owner(world)
    p = world.period.id
    await complete(world, actor)
    await add_staff(world.uow(), platform="telegram", user_id=9200, role="reviewer", region=4,
                    name="مریم")
    reviewer = await world.person("telegram", 9200, "مریم")
    seen = set()
    for value in [True, False, True][:rounds]:
        await submit.submit(world.uow(), actor, NOW, p, confirmed=True)
        async with world.sessionmaker() as session:
            declaration_id = await session.scalar(select(Declaration.id))
        outcomes = await asyncio.gather(
            answers.yes_no(world.uow(), actor, NOW, p, "step_free", value),
            review.open_declaration(world.uow(), reviewer, declaration_id, now=NOW),
            return_exceptions=True)
        async with world.sessionmaker() as session:
            row = await session.scalar(select(Declaration))
            assert row is not None
            status, started = row.status, row.review_started_at
        edit = outcomes[0]
        if isinstance(edit, NotEditable):  # the opening came first
            assert edit.code == "declaration-under-review"
            assert (status, started is not None) == ("submitted", True)
            seen.add("review")
            break
        assert not isinstance(edit, BaseException), edit
        assert (status, started) == ("draft", None)  # the edit came first: not under review
        seen.add("edit")
    assert seen


async def test_the_parts_of_an_album_at_once_make_one_acknowledgement(world: World) -> None:
    """An album's four files arrive as four updates handled side by side (on two workers, on
    PostgreSQL): every file is kept, and one queued notice names all four."""
    actor = await owner(world)
    await wizard.resume(world.uow(), actor, NOW)
    await answers.answer_text(world.uow(), actor, NOW, "85")
    names = ["a.pdf", "b.pdf", "c.pdf", "d.pdf"]
    parts = [FileMeta(str(n) * 64, 2048, "application/pdf", name, f"file-{n}")
             for n, name in enumerate(names, start=1)]
    await asyncio.gather(*(
        evidence.attach(world.uow(), actor, NOW, "area", part,
                        evidence.AlbumPart("telegram:9100:album-1", part.filename))
        for part in parts))
    assert await count(world, Evidence) == 4
    async with world.sessionmaker() as session:
        queued = (await session.scalars(select(Outbox).where(
            Outbox.kind == "evidence.album", Outbox.status == "queued"))).all()
    assert len(queued) == 1
    noted = json.loads(queued[0].payload_json)["args"]
    assert sorted(noted["names"]) == names
    assert noted["count"] == 4
