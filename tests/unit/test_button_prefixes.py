"""Every button handler of a feature in `handlers.BUTTON_PREFIXES` takes only data that starts
with one of that feature's prefixes: otherwise its buttons would be refused at the router's door
and end at the «stale button» fallback."""

from __future__ import annotations

import inspect
import re

import pytest
from aiogram.filters.callback_data import CallbackQueryFilter

from handlers import BUTTON_PREFIXES

_LITERAL = re.compile(r"""r?"([^"]*)"|r?'([^']*)'""")
_SIDE = re.compile(r'F\.side\s*==\s*"(\w+)"')


def _decorators(callback: object) -> list[str]:
    source = inspect.getsource(callback)  # type: ignore[arg-type]
    head = source[:source.index("async def")]
    return [d for d in re.split(r"\n(?=@)", head.strip()) if ".callback_query(" in d]


def _typed_prefixes(handler: object) -> list[str]:
    """The packed prefix (`menu:`) of every typed button factory the handler filters on."""
    found = []
    for filter_object in getattr(handler, "filters", None) or []:
        instance = filter_object.callback
        if isinstance(instance, CallbackQueryFilter):
            factory = instance.callback_data
            found.append(f"{factory.__prefix__}{factory.__separator__}")
    return found


def _data_literals(decorator: str) -> list[str]:
    """What a decorator compares a button's data with: TicketCb's side as its packed prefix,
    else every string literal (a regular expression without its anchor)."""
    if "TicketCb.filter" in decorator:
        return [f"tk:{side}:" for side in _SIDE.findall(decorator)]
    return [(a or b).lstrip("^") for a, b in _LITERAL.findall(decorator)]


@pytest.mark.parametrize("router", list(BUTTON_PREFIXES), ids=lambda r: r.name)
def test_every_button_of_the_feature_has_one_of_its_prefixes(router):
    prefixes = BUTTON_PREFIXES[router]
    handlers = router.callback_query.handlers
    assert handlers, f"{router.name} takes no buttons: drop it from BUTTON_PREFIXES"
    for handler in handlers:
        name = handler.callback.__name__
        decorators = _decorators(handler.callback)
        literals = [] if any("TicketCb.filter" in d for d in decorators) \
            else _typed_prefixes(handler)
        # A typed filter on its first field's value (`MenuCb.filter(F.action == "main")`)
        # packs to the prefix and that value.
        values = [x for d in decorators for x in _data_literals(d)]
        if literals and values:
            literals = [p + v for p in literals for v in values]
        if not literals:  # a filter on the data's text (or on TicketCb's side)
            assert decorators, f"{name}: no @router.callback_query(...) found to check"
            literals = [x for d in decorators for x in _data_literals(d)]
        assert literals, f"{name}: its button data could not be read from {decorators}"
        for literal in literals:
            assert literal.startswith(prefixes), (
                f"{router.name}.{name} takes {literal!r}, which none of {prefixes} starts: "
                f"add its prefix to handlers.BUTTON_PREFIXES")


def test_a_prefix_missing_from_the_list_is_caught():
    """The check above can fail: a decorator whose data has no listed prefix is named."""
    literals = _data_literals('@router.callback_query(F.data.startswith("zz:"))')
    assert literals == ["zz:"]
    assert not literals[0].startswith(BUTTON_PREFIXES[next(iter(BUTTON_PREFIXES))])
