"""Loading a rubric from TOML (a file, text, or the shipped sample) and reporting every problem,
syntactic or semantic, as ``"<path>: <message>"`` in `RubricError.errors`. The checks themselves
live on the models (their `_check` validators); here pydantic's errors become paths in the file.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scoring.rubric.base import Problems
from scoring.rubric.model import Rubric
from scoring.rubric.points import POINT_TYPES

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "rubrics" / "sample.toml"


class RubricError(ValueError):
    """A rubric that cannot be used. `errors` lists every problem as "<path>: <message>"."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("invalid rubric:\n" + "\n".join(f"- {e}" for e in errors))
        self.errors = errors


def parse_rubric_text(text: str) -> Rubric:
    """Parse and check a rubric from TOML text. Raises RubricError with every problem found."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError([f"(toml): {exc}"]) from None
    return rubric_from_dict(data)


def rubric_from_dict(data: dict[str, Any]) -> Rubric:
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(_messages(exc)) from None


def load_rubric(source: str | Path) -> Rubric:
    """A rubric from a file path, or from TOML text (a str with a newline, or one that is neither
    an existing file nor a name ending in `.toml`). Raises RubricError, never anything else, for
    a file that cannot be used."""
    if isinstance(source, str) and ("\n" in source or not (
            source.strip().endswith(".toml") or _is_file(source))):
        return parse_rubric_text(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError([f"{path}: cannot read the file ({exc})"]) from None
    return parse_rubric_text(text)


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: text, not a path
        return False


def load_sample_rubric() -> Rubric:
    return load_rubric(SAMPLE_PATH)


def sample_rubric_text() -> str:
    return SAMPLE_PATH.read_text(encoding="utf-8")


def _messages(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        path = _path(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, Problems):
            for sub, message in cause.problems:
                out.append(f"{_join(path, sub)}: {message}")
            continue
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "missing (required)"
        elif error["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        out.append(f"{path or '(top)'}: {message}")
    return out


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif i > 0 and loc[i - 1] == "points" and part in POINT_TYPES:
            continue  # pydantic puts the union's tag into the path; the file has no such level
        else:
            text += f".{part}" if text else str(part)
    return text


def _join(path: str, sub: str) -> str:
    if not path:
        return sub
    return path + sub if sub.startswith("[") else f"{path}.{sub}"
