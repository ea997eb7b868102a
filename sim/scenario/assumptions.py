"""What a scenario assumes: the keys its file marks `# assumption:` (with the comment's words) and
the keys it leaves to the schema's defaults.

A key is marked when its line has `# assumption: ...`, or when a comment block just above it
contains `assumption:` (the block's words from that line on are its note). The defaults used are
the leaves of the resolved scenario that the file does not give and whose value is the schema's
default, so a `--set` override to another value is never listed as a default.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
>>> _ = path.write_text("[analysts]\\n# assumption: not published;\\n# a guess\\ncount = 9\\n")
>>> assumption_notes(path)
[('analysts.count', 'not published; a guess')]
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

_TABLE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
MARK = "assumption:"


def assumption_notes(path: Path) -> list[tuple[str, str]]:
    """Each key `path` marks as an assumption, in file order, with the note's text."""
    return [(key, note) for key, note, _ in marked_keys(path)]


def _marks(comment: str) -> bool:
    """Whether a comment marks an assumption (`assumption:`, but not the word quoted, as in a file's
    header that says values are marked "assumption:")."""
    return MARK in comment.replace(f'"{MARK}"', "")


def _words(comment: str) -> str:
    """A comment's note: its text, without a leading `assumption:` (a cited source before the mark,
    as in `IWF: 35 % in 2017; assumption: 33 %`, is kept: it is part of the reason)."""
    return comment[len(MARK) :].strip() if comment.startswith(MARK) else comment


def marked_keys(path: Path) -> list[tuple[str, str, bool]]:
    """Each marked key with its note, and whether the mark is strict: a comment block just above the
    key or a line comment that starts `# assumption:` (not one that says `assumption:` later, nor a
    block above a table header, which the report gives to the table's first key)."""
    notes: dict[str, tuple[str, bool]] = {}
    table = ""
    counts: dict[str, int] = {}
    block: list[str] = []  # the comment block above the current line, from its `assumption:` line on
    carried = False  # the block stands above a table header
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if _marks(text):
                block, carried = [_words(text)], False
            elif block:
                block.append(text)
            continue
        header = _TABLE.match(line)
        if header:
            name = header.group(2).strip()
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = name
            carried = bool(block)
            continue
        key = _KEY.match(line)
        if key:
            dotted = f"{table}.{key.group(1)}" if table else key.group(1)
            inline = line.split("#", 1)[1].strip() if "#" in line else ""
            parts = [_words(inline)] if _marks(inline) else []
            parts += [part for part in block if part]
            strict = (bool(block) and not carried) or f"# {MARK}" in line
            if parts:
                note, was_strict = notes.get(dotted, ("", False))
                notes[dotted] = (" ".join(filter(None, (note, *parts))), was_strict or strict)
            block, carried = [], False
        elif not stripped:
            continue  # a blank line keeps the block (a block, a blank line, then its key)
    return [(key, note, strict) for key, (note, strict) in notes.items()]


def defaults_used(scenario: BaseModel, raw: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """The dotted leaves of `scenario` that `raw` (the file's data; None: what the scenario was
    built from) does not give and whose value is the schema's default, with the value used (None:
    the feature is off)."""
    found: list[tuple[str, Any]] = []
    _walk(scenario, raw, "", found, absent=False, in_item=False)
    return found


def _walk(
    model: BaseModel, raw: Any, prefix: str, found: list[tuple[str, Any]], absent: bool, in_item: bool
) -> None:
    """Collect the defaults of `model`'s fields; `absent`: the file does not give `model` at all;
    `in_item`: `model` is one source, host or shift, whose unset optional keys do not apply to it
    (a Poisson source's search keys) or fall back to another key (a host's route delay)."""
    given = raw if isinstance(raw, dict) else None
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        present = not absent and (name in given if given is not None else name in model.model_fields_set)
        sub = given.get(name) if given is not None else None
        is_default = not info.is_required() and value == info.get_default(call_default_factory=True)
        if present or not is_default:
            if isinstance(value, BaseModel):
                nested = in_item or bool(prefix)  # a section's keys are its own; a shift's are an item's
                _walk(value, sub, f"{path}.", found, absent=not present, in_item=nested)
            elif isinstance(value, dict) and value and all(isinstance(v, BaseModel) for v in value.values()):
                for key, item in value.items():
                    item_raw = sub.get(key) if isinstance(sub, dict) else None
                    _walk(item, item_raw, f"{path}.{key}.", found, absent=not present, in_item=True)
            elif isinstance(value, list | tuple) and value and all(isinstance(v, BaseModel) for v in value):
                for index, item in enumerate(value):
                    item_raw = sub[index] if isinstance(sub, list) and index < len(sub) else None
                    _walk(item, item_raw, f"{path}[{index}].", found, absent=not present, in_item=True)
        elif not (in_item and value is None):
            found.append((path, _plain(value)))


def _plain(value: Any) -> Any:
    """A value as TOML would show it."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, tuple):
        return list(value)
    return value


def description(path: Path) -> str:
    """The file's opening comment block (what the scenario is for), as one paragraph."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(line for line in lines if line)


def file_data(path: Path) -> dict[str, Any] | None:
    """The scenario file's data, or None when it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # not TOML, bad UTF-8, a number too long
        return None
