"""Read the responsible divisions of a measure and match them to an organization's divisions."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tracker.importer.normalize import collapse_spaces, without_spaces
from tracker.importer.steps import split_numbered
from tracker.thai import remove_spaces_between_thai

# `ทุกกอง`, `ทุกส่วนราชการ`: every division of the organization. The reader
# keeps this token in a measure's divisions and `match_divisions` expands it.
EVERY_DIVISION = "ทุกกอง"
_EVERY_DIVISION_WORDS = re.compile(
    r"ทุก\s*(?:ส่วนราชการ|กอง|สำนัก|หน่วยงาน|ฝ่าย|ส่วน)(?:\s*/\s*(?:กอง|สำนัก))?"
)

# Words that begin the name of a division in Thai local government.
DIVISION_NAME_STARTS = ("สำนัก", "กอง", "หน่วย", "ฝ่าย", "งาน", "ส่วน")
# A head's title in front of the division (`ผู้อำนวยการกองคลัง`) is not part of its name.
_HEAD_TITLES = re.compile(
    r"^(?:ผู้อำนวยการ|ผอ\.|หัวหน้า|หน\.)\s*(?=" + "|".join(DIVISION_NAME_STARTS) + ")"
)
# `สำนักปลัด อบต.เมืองเพีย`: the organization's own name after a division is noise.
_ORGANIZATION_SUFFIX = re.compile(
    r"\s*(?:(?:อบต|อบจ|ทต|ทม|ทน)\.|องค์การบริหารส่วน|เทศบาล)\S*\s*$"
)
_SEPARATORS = re.compile(r"\s*[/,;、|\n]\s*|\s+-\s+")


def split_divisions(paragraphs: Sequence[str] | str, known_names: Iterable[str] = ()) -> list[str]:
    """The division names in a responsible-divisions cell, normalized, without repeats.

    Names are separated by `/`, `,`, new lines, list numbers, or `และ` where a
    new name begins: a usual first word of a division (สำนัก, กอง, หน่วย,
    ฝ่าย, งาน, ส่วน) or one of `known_names`, so `กองการศึกษา ศาสนาและ
    วัฒนธรรม` stays one name. Spaces inside Thai names are removed. `ทุกกอง`
    and `ทุกส่วนราชการ` give the `EVERY_DIVISION` token.
    """
    text = paragraphs if isinstance(paragraphs, str) else "\n".join(paragraphs)
    names: list[str] = []
    if _EVERY_DIVISION_WORDS.search(text):
        names.append(EVERY_DIVISION)
        text = _EVERY_DIVISION_WORDS.sub("\n", text)
    and_splits = _and_before(list(DIVISION_NAME_STARTS) + [without_spaces(n) for n in known_names])
    for piece in _SEPARATORS.split(text):
        for item in split_numbered(piece) or [piece]:
            joined = remove_spaces_between_thai(collapse_spaces(item))
            names.extend(_normalize_name(name) for name in and_splits.split(joined))
    return [name for name in dict.fromkeys(names) if name]


def _and_before(starts: list[str]) -> re.Pattern:
    longest_first = sorted({start for start in starts if start}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, longest_first))
    return re.compile(rf"\s*และ\s*(?=(?:{alternatives}))")


def _normalize_name(name: str) -> str:
    name = _ORGANIZATION_SUFFIX.sub("", name.strip())
    name = _HEAD_TITLES.sub("", name)
    return name.strip(" .-:")


# --- matching an organization's divisions -----------------------------------

class DivisionRecord(Protocol):
    """What `match_divisions` needs of a division: a model row or any simple record."""

    id: int
    name: str
    short_name: str | None


@dataclass
class DivisionMatch:
    """The result of matching a measure's division names to existing divisions."""

    division_ids: list[int] = field(default_factory=list)  # in order, without repeats
    new_names: list[str] = field(default_factory=list)  # names that matched nothing
    ids_by_name: dict[str, list[int]] = field(default_factory=dict)  # for the preview


def division_key(name: str) -> str:
    """What two spellings of a division name share: no spaces, no dots, lower case."""
    return without_spaces(name).replace(".", "").casefold()


def match_divisions(names: Iterable[str], existing: Sequence[DivisionRecord]) -> DivisionMatch:
    """Match names read from a report to an organization's existing divisions.

    A name matches a division by its normalized name or by the short form the
    organization defines for it (`สป.`, `กค.`). `EVERY_DIVISION` matches every
    division. Names that match nothing are proposed as new divisions.
    """
    by_key: dict[str, list[int]] = {}
    for division in existing:
        for written in (division.name, division.short_name):
            if written and division_key(written):
                by_key.setdefault(division_key(written), []).append(division.id)
    match = DivisionMatch()
    for name in names:
        if name == EVERY_DIVISION:
            ids = [division.id for division in existing]
        else:
            ids = list(dict.fromkeys(by_key.get(division_key(name), [])))
        match.ids_by_name[name] = ids
        if ids:
            match.division_ids.extend(i for i in ids if i not in match.division_ids)
        elif name != EVERY_DIVISION and name not in match.new_names:
            match.new_names.append(name)
    return match
