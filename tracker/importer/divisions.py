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
# `สำนักปลัด อบต.เมืองเพีย`, `กองคลัง เทศบาลตำบลโพนทอง`: the organization's own
# name, written as a separate designation after a division, is not part of the
# division's name. Written as one word it is: `สำนักปลัดเทศบาล` and
# `สำนักปลัดองค์การบริหารส่วนตำบล` are official names. Abbreviations with a dot
# (`อบต.`) never belong to a division's name, written apart or not.
_ORGANIZATION_ABBREVIATION = r"(?:อบต|อบจ|ทต|ทม|ทน)\."
_ORGANIZATION_NAME = r"(?:องค์การบริหารส่วน(?:ตำบล|จังหวัด)|เทศบาล(?:ตำบล|เมือง|นคร))\s*\S"
_ORGANIZATION_DESIGNATION = re.compile(
    rf"(?:\s+(?:{_ORGANIZATION_ABBREVIATION}|{_ORGANIZATION_NAME})|(?<=\S){_ORGANIZATION_ABBREVIATION}).*$"
)
# A piece that is nothing but an organization's name (on a line of its own).
_ONLY_ORGANIZATION = re.compile(rf"^(?:{_ORGANIZATION_ABBREVIATION}|{_ORGANIZATION_NAME}).*$")
# The long forms of the palad's office that name the kind of organization.
_PALAD_OFFICE = "สำนักปลัด"
_PALAD_LONG_FORMS = ("เทศบาล", "องค์การบริหารส่วนตำบล", "องค์การบริหารส่วนจังหวัด")
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
            # The organization's name is cut while the spaces still show where it starts.
            spaced = [_without_designation(name) for name in and_splits.split(collapse_spaces(item))]
            joined = " และ ".join(name for name in spaced if name)
            joined = remove_spaces_between_thai(joined)
            names.extend(_normalize_name(name) for name in and_splits.split(joined))
    return [name for name in dict.fromkeys(names) if name]


def _and_before(starts: list[str]) -> re.Pattern:
    longest_first = sorted({start for start in starts if start}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, longest_first))
    return re.compile(rf"\s*และ\s*(?=(?:{alternatives}))")


def _without_designation(name: str) -> str:
    name = name.strip()
    if _ONLY_ORGANIZATION.match(name):
        return ""
    return _ORGANIZATION_DESIGNATION.sub("", name)


def _normalize_name(name: str) -> str:
    name = _without_designation(name)
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
    # Names matched to a division written otherwise (`สำนักปลัดเทศบาล` to `สำนักปลัด`), for the preview to say so.
    other_forms: dict[str, list[int]] = field(default_factory=dict)


def division_key(name: str) -> str:
    """What two spellings of a division name share: no spaces, no dots, lower case."""
    return without_spaces(name).replace(".", "").casefold()


def other_forms(name: str) -> list[str]:
    """The keys of the other ways of writing the palad's office: `สำนักปลัดเทศบาล` and
    `สำนักปลัดองค์การบริหารส่วนตำบล` are `สำนักปลัด` in full, and the reverse."""
    key, short = division_key(name), division_key(_PALAD_OFFICE)
    long_forms = [short + division_key(tail) for tail in _PALAD_LONG_FORMS]
    if key == short:
        return long_forms
    if key in long_forms:
        return [short]
    return []


def match_divisions(names: Iterable[str], existing: Sequence[DivisionRecord]) -> DivisionMatch:
    """Match names read from a report to an organization's existing divisions.

    A name matches a division by its normalized name or by the short form the
    organization defines for it (`สป.`, `กค.`). `EVERY_DIVISION` matches every
    division. The palad's office matches in its short and long forms
    (`other_forms`) when the name as written matches nothing. Names that match
    nothing are proposed as new divisions.
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
            if not ids:
                ids = list(dict.fromkeys(i for key in other_forms(name) for i in by_key.get(key, [])))
                if ids:
                    match.other_forms[name] = ids
        match.ids_by_name[name] = ids
        if ids:
            match.division_ids.extend(i for i in ids if i not in match.division_ids)
        elif name != EVERY_DIVISION and name not in match.new_names:
            match.new_names.append(name)
    return match
