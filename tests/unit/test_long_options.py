"""Long option titles: a phone cuts a button's label, so the buttons carry numbers and a short
start of each title, and the question lists every title in full (issue 20, item 6)."""

from __future__ import annotations

from types import SimpleNamespace

from demo.local import SAMPLE_RUBRIC
from handlers.wizard import question
from scoring.rubric import load_rubric
from texts.i18n import Translator
from texts.wizard_keyboards import BUTTON_CHARS, question_keyboard

RUBRIC = load_rubric(SAMPLE_RUBRIC.read_text(encoding="utf-8"))


def _item(key: str):
    return next(i for i in RUBRIC.indicators if i.key == key)


def _labels(item, lang: str) -> list[str]:
    markup = question_keyboard(item, 1, Translator(lang), value=None, previous=None,
                               first=False, section_first=False, can_keep_all=False)
    return [b.text for row in markup.inline_keyboard for b in row][:len(item.options)]


def _draft(item) -> SimpleNamespace:
    return SimpleNamespace(view=SimpleNamespace(answers={}, raw={}), previous={},
                           items=list(RUBRIC.indicators), period=SimpleNamespace(id=1))


def test_long_titles_are_numbered_on_buttons_and_whole_in_the_message() -> None:
    item = _item("facilities")  # "Priority seating for the elderly and pregnant", …
    labels = _labels(item, "en")
    assert all(len(label) <= BUTTON_CHARS + 3 for label in labels), labels  # + "⬜️ "
    assert [label.split(".", 1)[0][-1] for label in labels] == \
        [str(n) for n in range(1, len(item.options) + 1)]
    text, _ = question(Translator("en"), _draft(item), item)
    for number, option in enumerate(item.options, start=1):
        assert f"{number}. {option.title_en}" in text


def test_short_titles_stay_as_they_are() -> None:
    item = _item("facilities")
    assert _labels(item, "fa") == ["⬜️ " + o.title_fa for o in item.options]
    text, _ = question(Translator("fa"), _draft(item), item)
    assert "۱. " not in text
