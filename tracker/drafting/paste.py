"""Reading scores pasted from the NACC result page or a spreadsheet (pure).

Each line names an indicator (by number, `ตัวชี้วัดที่ 9`, or by name), a
tool (IIT, EIT part 1 or 2, OIT) or the overall score, followed by its
score; Thai or Arabic digits, separated by tabs, spaces or `|`. A line may
also carry the level (ผ่านดี ...). Lines that say none of this are returned
as not understood, for the page to show.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..importer.normalize import without_spaces
from ..ita import INDICATOR_NAMES, LEVELS
from ..thai import to_arabic_digits

_NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?(?![\d.])")
_INDICATOR_PREFIX = re.compile(r"^\s*(?:ตัวชี้วัด(?:ที่)?\s*)?(\d{1,2})\s*[.):]?\s+")
_NAME_KEYS = sorted(((without_spaces(name), number) for number, name in INDICATOR_NAMES.items()),
                    key=lambda item: -len(item[0]))
_EIT_PART = re.compile(r"EIT\s*(?:ส่วนที่|ตอนที่|part)?\s*\(?([12])(?!\d)", re.IGNORECASE)
_OVERALL_WORDS = ("คะแนนรวม", "ภาพรวม", "คะแนนITA", "ผลคะแนนITA", "overall")


@dataclass
class PastedScores:
    overall: float | None = None
    level: str | None = None
    tools: dict[str, float] = field(default_factory=dict)  # IIT, EIT1, EIT2, OIT
    indicators: dict[int, float] = field(default_factory=dict)
    not_understood: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.tools) + len(self.indicators) + (self.overall is not None)


def _score_in(text: str) -> float | None:
    """The score of a line: its first number with decimals, else its last number, 0-100."""
    numbers = [m.group() for m in _NUMBER.finditer(text)]
    numbers = [n for n in numbers if 0 <= float(n) <= 100]
    if not numbers:
        return None
    with_decimals = [n for n in numbers if "." in n]
    return float(with_decimals[0] if with_decimals else numbers[-1])


def _level_in(text: str) -> str | None:
    key = without_spaces(text)
    for level in sorted(LEVELS, key=len, reverse=True):
        if level in key:
            return level
    return None


def parse_pasted_scores(text: str) -> PastedScores:
    pasted = PastedScores()
    for raw in text.splitlines():
        line = to_arabic_digits(raw).replace("|", "\t").strip()
        if not line:
            continue
        level = _level_in(line)
        if level:
            pasted.level = level
        key = without_spaces(line)
        upper = key.upper()
        prefix = _INDICATOR_PREFIX.match(line)
        number = int(prefix.group(1)) if prefix and int(prefix.group(1)) in INDICATOR_NAMES else None
        rest = line[prefix.end():] if number else line
        if number is None:
            number = next((n for name, n in _NAME_KEYS if name in key), None)
        if number is not None:
            score = _score_in(rest)
            if score is not None:
                pasted.indicators[number] = score
                continue
        tool = None
        if "IIT" in upper:
            tool = "IIT"
        elif "OIT" in upper:
            tool = "OIT"
        elif "EIT" in upper and (part := _EIT_PART.search(line)):
            tool = "EIT" + part.group(1)
            line = line[part.end():]
        if tool:
            score = _score_in(line.split(tool, 1)[-1] if tool in ("IIT", "OIT") else line)
            if score is not None:
                pasted.tools[tool] = score
                continue
        if any(word.upper() in upper for word in _OVERALL_WORDS):
            score = _score_in(line)
            if score is not None:
                pasted.overall = score
                continue
        if not level and _NUMBER.search(line):  # a line without a number is a heading
            pasted.not_understood.append(raw.strip())
    return pasted
