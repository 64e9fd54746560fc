"""Split a cell of numbered steps (`๑.` `๒.`, `1)` `2)`, `(1)` `(2)`) into the steps."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.importer.normalize import collapse_spaces
from tracker.thai import THAI_DIGITS, to_arabic_digits

# A step number: `(1)`, or `1.` / `1)` that is not part of a larger number,
# a date (`30/9.`), a section number (`3.2`) or a Latin word (`No.1.`).
# Digits are converted to Arabic first; the conversion keeps every position.
_MARKER = re.compile(
    r"\((?P<in_brackets>\d{1,2})\)"
    r"|(?<![\d./A-Za-z(])(?P<number>\d{1,2})(?P<closer>[.)])(?!\d)"
)
_TRAILING_SEPARATORS = re.compile(r"[\s,;]+$")


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    number: int
    style: tuple[str, bool]  # ("(1)" | "1." | "1)", written in Thai digits)


def split_numbered(text: str) -> list[str] | None:
    """The items of a text numbered 1, 2, 3 ... in one style, or None when it is not a list.

    Only numbers that run in sequence in one style and one kind of digits
    start an item, so `พ.ศ. ๒๕๖๙`, `ข้อ 3.2` or `๓๐ กันยายน` inside an item
    never do. A single `1.` counts only at the very start of the text. Text
    before the first number is kept at the start of the first item.
    """
    sequence = _longest_sequence(_markers(text))
    if not sequence or (len(sequence) == 1 and text[: sequence[0].start].strip()):
        return None
    preamble = text[: sequence[0].start].strip()
    items = []
    for marker, following in zip(sequence, [*sequence[1:], None]):
        item = text[marker.end : following.start if following else len(text)]
        items.append(_clean_item(item))
    if preamble:
        items[0] = f"{preamble} {items[0]}".strip()
    return items


def split_steps(paragraphs: list[str], authored_paragraphs: bool = False) -> list[str]:
    """The steps written in one cell of a measures table.

    Numbered steps are split at their numbers, wherever the paragraphs break.
    A cell without numbers is one step, except when its paragraphs are the
    author's own (a Word table, where list numbering is not in the text):
    then each paragraph is a step.
    """
    paragraphs = [p for p in (collapse_spaces(p) for p in paragraphs) if p]
    text = " ".join(paragraphs)
    if numbered := split_numbered(text):
        return [item for item in numbered if item]
    if authored_paragraphs and len(paragraphs) > 1:
        return [_clean_item(p) for p in paragraphs]
    return [_clean_item(text)] if text else []


def _markers(text: str) -> list[_Marker]:
    markers = []
    for match in _MARKER.finditer(to_arabic_digits(text)):
        group = "in_brackets" if match["in_brackets"] else "number"
        style = "(1)" if group == "in_brackets" else "1" + match["closer"]
        written_in_thai = text[match.start(group)] in THAI_DIGITS
        markers.append(
            _Marker(match.start(), match.end(), int(match[group]), (style, written_in_thai))
        )
    return markers


def _longest_sequence(markers: list[_Marker]) -> list[_Marker]:
    """The longest run 1, 2, 3 ... of markers in one style, earliest on a tie."""
    best: list[_Marker] = []
    for style in dict.fromkeys(marker.style for marker in markers):
        sequence: list[_Marker] = []
        for marker in markers:
            if marker.style == style and marker.number == len(sequence) + 1:
                sequence.append(marker)
        if len(sequence) > len(best) or (
            sequence and len(sequence) == len(best) and sequence[0].start < best[0].start
        ):
            best = sequence
    return best


def _clean_item(text: str) -> str:
    return _TRAILING_SEPARATORS.sub("", collapse_spaces(text))
