"""Writing a rubric back as TOML: a snapshot of a rubric built in code (a loaded file should be
stored as its own text, comments and all).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from scoring.rubric.model import Rubric

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def rubric_to_toml_text(rubric: Rubric) -> str:
    """TOML text that `parse_rubric_text` reads back into an equal rubric."""
    data = rubric.model_dump(mode="python", exclude_none=True)
    lines: list[str] = []
    _emit_table(lines, [], data)
    return "\n".join(lines).strip() + "\n"


def _emit_table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    nested = []
    for name, value in table.items():
        if isinstance(value, dict) or _is_table_list(value):
            nested.append((name, value))
        else:
            lines.append(f"{_toml_key(name)} = {_toml_value(value)}")
    for name, value in nested:
        sub = [*path, _toml_key(name)]
        if isinstance(value, dict):
            lines += ["", f"[{'.'.join(sub)}]"]
            _emit_table(lines, sub, value)
        else:
            for item in value:
                lines += ["", f"[[{'.'.join(sub)}]]"]
                _emit_table(lines, sub, item)


def _is_table_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml_key(name: str) -> str:
    return name if _BARE.match(name) else json.dumps(name, ensure_ascii=False)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return str(int(value))
        return str(value).replace("E", "e")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
