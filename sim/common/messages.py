"""Values and lines in messages: cut to what a terminal line can hold, and listed as words.

A message names the value it refuses, but a value can be a 100,000-character string pasted by
mistake (or planted); printed whole, it buries the message. `shown` gives a value's `repr`, and
`cut` any text, with the middle replaced by a count of what was left out. `listed` joins items as
a sentence does.

>>> shown("x" * 100_000)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx … (100,002 characters) … xxxxxxxxxxxxxxxxxxx'"
>>> shown(0.5)
'0.5'
>>> listed(["2021-Q3", "2021-Q4", "2022-Q1"]), listed(["a", "b"], "or"), listed(["a"]), listed([])
('2021-Q3, 2021-Q4 and 2022-Q1', 'a or b', 'a', '')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

VALUE_CHARACTERS = 80  # a value in a message
LINE_CHARACTERS = 400  # one line of a message


def cut(text: str, limit: int = LINE_CHARACTERS) -> str:
    """`text`, or its start and end around a note of its length when it is longer than `limit`."""
    if len(text) <= limit:
        return text
    head, tail = limit // 2, limit // 4
    return f"{text[:head]} … ({len(text):,} characters) … {text[-tail:]}"


def shown(value: Any, limit: int = VALUE_CHARACTERS) -> str:
    """The `repr` of a value for a message, cut to `limit` characters."""
    return cut(repr(value), limit)


def listed(items: Sequence[str], word: str = "and") -> str:
    """`a`, `a and b`, `a, b and c` (with `word` for "and"); "" for none."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
