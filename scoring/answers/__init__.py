"""Answers: parsing what an owner types, validating what a button sends, and what is still missing.

Values by indicator kind (and how they are stored as JSON):

| kind         | value                                              | JSON                     |
|--------------|----------------------------------------------------|--------------------------|
| integer      | int                                                | number                   |
| number       | Decimal                                            | string, e.g. "12.5"      |
| choice       | option key, str                                    | string                   |
| multi_choice | list of option keys, in the rubric's option order  | array of strings         |
| yes_no       | bool                                               | true / false             |
| staff_list   | list of {"name": str, <field>: bool, ...}          | array of objects         |

Every refusal is an `AnswerError` whose `key` is a message id in `locales/*/scoring.ftl` and whose
`args` fill that message; `ANSWER_ERROR_KEYS` lists them all.

Where things are:
- `parse`: text as an owner types it (numbers, yes/no, options, staff names, external scores);
- `validate`: values from buttons, the database or another period, one by one or a whole set;
- `missing`: what still keeps a declaration from being complete, and where a wizard resumes;
- `stored`: answers to and from the JSON the database keeps;
- `errors`: `AnswerError`, `AnswersError` and the message ids.
"""

from scoring.answers.errors import ANSWER_ERROR_KEYS, AnswerError, AnswersError
from scoring.answers.missing import Missing, has_substance, missing_items, next_unanswered
from scoring.answers.parse import (
    MAX_DIGITS,
    parse_answer,
    parse_external_score,
    parse_staff_name,
)
from scoring.answers.stored import answers_from_json, answers_to_json, from_json, to_json
from scoring.answers.validate import LIMIT, NAME_MAX, validate_answers, validate_value

__all__ = [
    "ANSWER_ERROR_KEYS",
    "LIMIT",
    "MAX_DIGITS",
    "NAME_MAX",
    "AnswerError",
    "AnswersError",
    "Missing",
    "answers_from_json",
    "answers_to_json",
    "from_json",
    "has_substance",
    "missing_items",
    "next_unanswered",
    "parse_answer",
    "parse_external_score",
    "parse_staff_name",
    "to_json",
    "validate_answers",
    "validate_value",
]
