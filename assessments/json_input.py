"""Reading JSON that people send (answers files, organisation files): every way a text can be
unreadable becomes one clear message, never a traceback.

`json.loads` alone raises RecursionError for deep nesting and a bare ValueError for an integer
over Python's 4,300-digit limit, and accepts escapes such as "\\ud800" that give text no
database can store; all three are refused here, with the syntax errors it already reports.
"""

from __future__ import annotations

import json
from typing import Any

from .limits import encodable

MAX_DEPTH = 32


class JSONRefused(ValueError):
    """Text that is not JSON the application can read; the message names the problem."""


def json_read(raw: str | bytes, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value in `raw`, or JSONRefused naming why it cannot be read."""
    if len(raw) > max_bytes:
        raise JSONRefused(f"The file is larger than {max_bytes:,} bytes.")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused("The file is not UTF-8 text.") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise JSONRefused(
            f"The file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise JSONRefused(f"The file nests lists or objects more than {max_depth} deep.") from None
    except ValueError:  # Python's limit on the digits of an integer
        raise JSONRefused("The file holds a number too long to read (over 4,300 digits).") from None
    json_check(data, max_depth=max_depth)
    return data


def json_check(data: Any, *, max_depth: int = MAX_DEPTH, refuse_null: bool = False) -> None:
    """Refuse nesting deeper than `max_depth` and text (keys too) holding a lone surrogate or,
    with `refuse_null`, a null character (which PostgreSQL cannot store, in text or JSON)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > max_depth:
            raise JSONRefused(f"The file nests lists or objects more than {max_depth} deep.")
        if isinstance(value, dict):
            stack.extend((k, depth) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str) and refuse_null and "\x00" in value:
            raise JSONRefused("The file holds text with a null character (\\u0000).")
        elif isinstance(value, str) and not encodable(value):
            raise JSONRefused(
                "The file holds text with an invalid character (a lone surrogate such as "
                "\\ud800), which cannot be stored."
            )
