"""The line cache. Lines depend only on (indicator, value), and most offices give one of a few
values (the same location, the same band of area, the same mix of insured staff), so each rubric
object keeps a small cache of the lines it has made. It lives beside the rubric, not in it, so that
equal rubrics stay equal and a copied rubric starts afresh; it is dropped with the rubric.
"""

from __future__ import annotations

import weakref
from typing import Any

_MEMOS: dict[int, dict[Any, Any]] = {}
_MEMO_SIZE = 4096


def _memo(owner: object) -> dict[Any, Any]:
    memo = _MEMOS.get(id(owner))
    if memo is None:
        memo = _MEMOS[id(owner)] = {}
        weakref.finalize(owner, _MEMOS.pop, id(owner), None)
    elif len(memo) > _MEMO_SIZE:
        memo.clear()
    return memo


def clear_caches() -> None:
    """Forget every cached line (for benchmarks that must start cold)."""
    _MEMOS.clear()


def _cached(memo: dict[Any, Any], key: tuple[Any, ...], make: Any, *args: Any) -> Any:
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = make(*args)
        return value
