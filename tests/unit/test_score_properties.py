"""Properties of the score, on generated rubrics and on the sample."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.answers import validate_answers
from scoring.rubric import OFFICE_TYPES, Rubric, load_sample_rubric
from scoring.score import AppliedNegative, ExternalInputs, score
from tests.unit.test_rubric_strategies import answer_sets, rubrics

SAMPLE = load_sample_rubric()
PROPERTY = settings(max_examples=30, deadline=None)
RUBRICS = st.one_of(st.just(SAMPLE), rubrics())
OFFICE_TYPE = st.sampled_from(OFFICE_TYPES)
EXTERNAL = st.builds(
    ExternalInputs,
    association=st.none() | st.decimals(min_value=-10, max_value=120, places=1),
    satisfaction=st.none() | st.decimals(min_value=0, max_value=100, places=1),
    satisfaction_mean=st.none() | st.decimals(min_value=0, max_value=6, places=2),
)


@st.composite
def offices(draw: st.DrawFn) -> tuple[Rubric, str, dict[str, Any], ExternalInputs]:
    rubric = draw(RUBRICS)
    office_type = draw(OFFICE_TYPE)
    return rubric, office_type, draw(answer_sets(rubric, office_type)), draw(EXTERNAL)


def more_of_something(rubric: Rubric, office_type: str, answers: dict[str, Any],
                      draw: st.DrawFn) -> dict[str, Any] | None:
    """The same answers with more of one positive quantity, or None if nothing can grow."""
    grow = []
    for ind in rubric.indicators_for(office_type):
        value = answers.get(ind.key)
        if ind.kind in ("integer", "number") and value is not None and (
                ind.max is None or value < ind.max):
            grow.append(ind)
        elif ind.kind == "multi_choice" and value is not None and len(value) < len(ind.options):
            grow.append(ind)
        elif ind.kind == "staff_list" and value is not None:
            grow.append(ind)
    if not grow:
        return None
    ind = draw(st.sampled_from(grow))
    more = copy.deepcopy(answers)
    value = more[ind.key]
    if ind.kind == "integer":
        more[ind.key] = draw(st.integers(value + 1, int(ind.max) if ind.max is not None
                                         else value + 1000))
    elif ind.kind == "number":
        top = ind.max if ind.max is not None else value + 1000
        more[ind.key] = draw(st.decimals(min_value=value, max_value=top, places=2))
    elif ind.kind == "multi_choice":
        missing = [o.key for o in ind.options if o.key not in value]
        chosen = set(value) | {draw(st.sampled_from(missing))}
        more[ind.key] = [o.key for o in ind.options if o.key in chosen]
    else:
        flags = [(i, f.key) for i, m in enumerate(value) for f in ind.staff_fields if not m[f.key]]
        can_add = ind.max is None or len(value) < ind.max
        if flags and (not can_add or draw(st.booleans())):
            i, flag = draw(st.sampled_from(flags))
            value[i][flag] = True
        elif can_add:
            value.append({"name": "نفر تازه", **{f.key: draw(st.booleans())
                                                 for f in ind.staff_fields}})
        else:
            return None
    return more


@PROPERTY
@given(offices(), st.data())
def test_more_of_a_positive_quantity_never_lowers_the_score(office: Any,
                                                           data: st.DataObject) -> None:
    rubric, office_type, answers, external = office
    more = more_of_something(rubric, office_type, answers, data.draw)
    assume(more is not None)
    before = score(rubric, office_type, answers, external)
    after = score(rubric, office_type, more, external)
    assert after.subtotal >= before.subtotal
    assert after.total >= before.total
    assert after.rank <= before.rank


@PROPERTY
@given(offices(), st.data())
def test_better_external_scores_never_lower_the_score(office: Any, data: st.DataObject) -> None:
    rubric, office_type, answers, external = office
    bump = data.draw(st.decimals(min_value=0, max_value=50, places=1))
    better = ExternalInputs(
        association=None if external.association is None else external.association + bump,
        satisfaction=None if external.satisfaction is None else external.satisfaction + bump,
        satisfaction_mean=(None if external.satisfaction_mean is None
                           else external.satisfaction_mean + bump),
    )
    assert score(rubric, office_type, answers, better).total >= score(
        rubric, office_type, answers, external).total


@PROPERTY
@given(offices(), st.data())
def test_a_negative_item_never_raises_the_score(office: Any, data: st.DataObject) -> None:
    rubric, office_type, answers, external = office
    assume(rubric.negatives)
    keys = [n.key for n in rubric.negatives]
    applied = data.draw(st.lists(st.builds(AppliedNegative, st.sampled_from(keys),
                                           st.integers(1, 4)), max_size=3))
    extra = AppliedNegative(data.draw(st.sampled_from(keys)), data.draw(st.integers(1, 4)))
    before = score(rubric, office_type, answers, external, applied)
    after = score(rubric, office_type, answers, external, [*applied, extra])
    assert after.total <= before.total
    assert after.rank >= before.rank
    assert after.total >= rubric.min_total
    assert all(line.points <= 0 for line in after.negatives)


@PROPERTY
@given(RUBRICS, OFFICE_TYPE, st.lists(st.decimals(min_value=-50, max_value=200, places=2),
                                      min_size=2, max_size=10))
def test_rank_is_monotone_in_the_total(rubric: Rubric, office_type: str,
                                       totals: list[Decimal]) -> None:
    ranks = [rubric.rank_for(office_type, t) for t in sorted(totals)]
    assert ranks == sorted(ranks, reverse=True)
    assert all(1 <= r <= rubric.lowest_rank for r in ranks)
    shares = [rubric.service_share(r) for r in ranks]
    assert shares == sorted(shares)


@PROPERTY
@given(offices())
def test_every_accepted_answer_set_scores(office: Any) -> None:
    rubric, office_type, answers, external = office
    clean = validate_answers(rubric, office_type, answers)  # the rubric's own validation
    b = score(rubric, office_type, clean, external)
    assert rubric.min_total <= b.total <= b.max_total == rubric.max_total(office_type)
    assert b.subtotal == sum(line.points for line in b.lines)
    assert all(Decimal(0) <= line.points <= line.max_points for line in b.lines)
    assert b.rank == rubric.rank_for(office_type, b.total)
    assert b.service_share == rubric.service_share(b.rank)
    assert all(line.reason_key != "reason-invalid" for line in b.lines)


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4)
    | st.decimals(allow_nan=True, allow_infinity=True),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=8,
)


@PROPERTY
@given(RUBRICS, OFFICE_TYPE, st.data())
def test_junk_answers_score_zero_never_crash(rubric: Rubric, office_type: str,
                                            data: st.DataObject) -> None:
    keys = [i.key for i in rubric.indicators_for(office_type)]
    assume(keys)
    answers = data.draw(st.dictionaries(st.sampled_from(keys), JUNK, max_size=len(keys)))
    b = score(rubric, office_type, answers)
    assert rubric.min_total <= b.total <= b.max_total
