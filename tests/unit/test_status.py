"""The declaration's life: one table of legal moves."""

from __future__ import annotations

import itertools

import pytest

from scoring.status import (
    ACTORS,
    INITIAL,
    TRANSITIONS,
    DeclarationStatus,
    TransitionError,
    assert_transition,
    can_transition,
    next_statuses,
)

S = DeclarationStatus
LEGAL = {(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.RETURNED), (S.SUBMITTED, S.CONFIRMED),
         (S.SUBMITTED, S.DRAFT), (S.RETURNED, S.SUBMITTED), (S.CONFIRMED, S.PUBLISHED),
         (S.CONFIRMED, S.SUBMITTED)}  # headquarters reopens a confirmed one (issue 21)


def test_the_table_is_the_designed_one() -> None:
    assert INITIAL == S.DRAFT
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL
    assert set(ACTORS) == LEGAL
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(S, S)))
def test_every_pair(old: DeclarationStatus, new: DeclarationStatus) -> None:
    legal = (old, new) in LEGAL
    assert can_transition(old, new) is legal
    assert can_transition(old.value, new.value) is legal  # as stored in the database
    if legal:
        assert assert_transition(old, new) is new
    else:
        with pytest.raises(TransitionError) as caught:
            assert_transition(old, new)
        assert caught.value.old == old and caught.value.new == new
        assert f"from {old} to {new}" in str(caught.value)


def test_actors() -> None:
    assert can_transition("draft", "submitted", actor="owner")
    assert not can_transition("draft", "submitted", actor="reviewer")
    assert can_transition("submitted", "returned", actor="reviewer")
    assert can_transition("confirmed", "published", actor="hq")
    with pytest.raises(TransitionError, match="by owner"):
        assert_transition("submitted", "confirmed", actor="owner")


def test_unknown_states_are_not_legal() -> None:
    assert not can_transition("draft", "archived")
    assert not can_transition("lost", "draft")
    assert next_statuses("lost") == frozenset()
    assert next_statuses("submitted") == {S.RETURNED, S.CONFIRMED, S.DRAFT}
    with pytest.raises(TransitionError):
        assert_transition("lost", "draft")


def test_a_published_declaration_is_final_and_every_state_is_reachable() -> None:
    assert TRANSITIONS[S.PUBLISHED] == frozenset()
    reached, frontier = {INITIAL}, [INITIAL]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(S)
