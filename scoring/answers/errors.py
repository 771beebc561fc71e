"""How an answer is refused: `AnswerError`, whose `key` is a message id in `locales/*/scoring.ftl`
(`ANSWER_ERROR_KEYS` lists them all) and whose `args` fill it; `AnswersError` for a whole set.
"""

from __future__ import annotations

from typing import Any

_ECHO_MAX = 40

ANSWER_ERROR_KEYS = frozenset({
    "answer-empty",
    "answer-not-a-number",
    "answer-bad-grouping",
    "answer-too-long",
    "answer-not-whole",
    "answer-negative",
    "answer-out-of-range",
    "answer-too-small",
    "answer-too-large",
    "answer-not-yes-no",
    "answer-unknown-option",
    "answer-duplicate-option",
    "answer-count-out-of-range",
    "answer-use-buttons",
    "answer-bad-name",
    "answer-bad-staff",
    "answer-invalid",
})


class AnswerError(ValueError):
    """An answer refused. `key` names the message; `args` (a dict) fills it."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key = key
        self._message_args = args

    @property
    def args(self) -> dict[str, Any]:  # type: ignore[override]
        # The message's arguments, as the bot passes them to the translator.
        return self._message_args

    def __str__(self) -> str:
        return f"{self.key} {self._message_args}"


def _echo(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ECHO_MAX else text[: _ECHO_MAX - 1] + "…"


class AnswersError(ValueError):
    """Some answers of a set were refused: `problems` maps indicator key → AnswerError."""

    def __init__(self, problems: dict[str, AnswerError]) -> None:
        super().__init__(", ".join(f"{k}: {e.key}" for k, e in problems.items()))
        self.problems = problems
