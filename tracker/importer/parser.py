"""Turn a report's paragraphs and tables into a `ParseResult`: scores, analysis and measures."""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from tracker.importer.blocks import Block, Paragraph, Row, Table
from tracker.importer.checks import check_consistency
from tracker.importer.divisions import split_divisions
from tracker.importer.normalize import ImportReadError, decode_upload, is_docx, without_spaces
from tracker.importer.limits import MAX_STEPS
from tracker.importer.readers import read_docx, read_text
from tracker.importer.result import Indicator, Measure, ParseResult, Step
from tracker.importer.steps import split_steps
from tracker.ita import INDICATOR_NAMES, LEVELS, TOOL_KEYS
from tracker.thai import ThaiDateError, fiscal_year, parse_period, to_arabic_digits

# A .docx is a ZIP; refuse one that would unpack to far more than its size.
MAX_DOCX_EXPANSION = 20

MEASURE_COLUMNS_HELP = "ตัวชี้วัด, โครงการ/กิจกรรม, ขั้นตอน, ระยะเวลา, ผู้รับผิดชอบ"


def parse_text(text: str, *, known_divisions: Iterable[str] = ()) -> ParseResult:
    """Parse the text export of a report (see `read_text` for the format)."""
    return parse_document(read_text(text), known_divisions=known_divisions)


def parse_docx(file: str | IO[bytes], *, known_divisions: Iterable[str] = ()) -> ParseResult:
    """Parse a Word report. Raises `ImportReadError` when it is not a Word file."""
    return parse_document(read_docx(file), known_divisions=known_divisions)


def parse_upload(
    filename: str, data: bytes, max_bytes: int, *, known_divisions: Iterable[str] = ()
) -> ParseResult:
    """Parse an uploaded file, Word or text, chosen by its content (not its name).

    Never raises for bad content: a file over `max_bytes`, an empty file, a
    PDF, an image or other binary file gives a result whose `errors` say
    why. The size is checked before anything is read.
    """
    if (too_large := size_error(filename, len(data), max_bytes)) is not None:
        return too_large
    if not data.strip():
        return _failed(filename, "file_empty")
    try:
        if is_docx(data):
            _check_unpacked_size(data, max_bytes)
            blocks = read_docx(io.BytesIO(data))
        else:
            blocks = read_text(decode_upload(data))
    except ImportReadError as exc:
        return _failed(filename, exc.finding.code, **exc.finding.params)
    return parse_document(blocks, known_divisions=known_divisions)


def size_error(filename: str, size: int, max_bytes: int) -> ParseResult | None:
    """The failed result for a file of `size` bytes over the limit, or None when it fits.

    Callers that know the size before reading (a file on disk, an upload
    spooled to a temporary file) call it first and never read a file too big.
    """
    if size <= max_bytes:
        return None
    return _failed(
        filename, "file_too_large", size=f"{size / 2**20:.1f}", limit=f"{max_bytes / 2**20:.1f}"
    )


def _failed(source: str, code: str, **params) -> ParseResult:
    result = ParseResult()
    result.fail(code, source, **params)
    return result


def _check_unpacked_size(data: bytes, max_bytes: int) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_DOCX_EXPANSION * max_bytes:
        raise ImportReadError("docx_unpacks_too_large")


def parse_document(blocks: Sequence[Block], *, known_divisions: Iterable[str] = ()) -> ParseResult:
    """Read a report from its blocks (from `read_text` or `read_docx`).

    `known_divisions` are the organization's division names, so that `และ`
    before one of them separates two divisions. Problems that leave the
    result usable are `warnings`; `errors` mean it is not a usable report.
    """
    result = ParseResult()
    if not blocks:
        result.fail("document_empty")
        return result
    paragraphs = [block for block in blocks if isinstance(block, Paragraph)]
    tables = [
        known for block in blocks if isinstance(block, Table) for known in _recognize(block, result)
    ]

    _read_organization(paragraphs, result)
    _read_overall(paragraphs, result)
    for table in tables:
        if table.kind == "tools":
            _read_tools(table, result)
        elif table.kind == "scores":
            _read_indicator_scores(table, result)
        elif table.kind == "analysis":
            _read_analysis(table, result)
    measure_tables = [table for table in tables if table.kind == "measures"]
    for table in measure_tables:
        _read_measures(table, result, list(known_divisions))
    if sum(len(measure.steps) for measure in result.measures) > MAX_STEPS:
        result.measures.clear()  # the preview would be as large as the document; nothing to show or save
        result.fail("too_many_steps", limit=f"{MAX_STEPS:,}")
        return result
    result.indicators.sort(key=lambda indicator: indicator.number)
    _read_fiscal_year(paragraphs, result)

    has_scores = result.overall_score is not None or any(
        indicator.score is not None for indicator in result.indicators
    )
    if not has_scores and not measure_tables and not result.errors:
        result.fail("not_a_report")
    elif not measure_tables and not result.errors:
        result.fail("no_measures_table", columns=MEASURE_COLUMNS_HELP)
    elif measure_tables and not result.measures:
        result.fail("empty_measures_table", measure_tables[0].source)
    if result.errors:
        return result
    _warn_missing_scores(result)
    result.warnings.extend(check_consistency(result))
    return result


# --- tables --------------------------------------------------------------------

# Header words of each kind of column. A header cell takes the first role
# whose words it contains, so "ระยะเวลาในการดำเนินการ" is a period, not steps.
_COLUMN_ROLES = (
    ("period", ("ระยะเวลา", "ช่วงเวลา", "กำหนดเวลา", "ห้วงเวลา")),
    ("responsible", ("รับผิดชอบ",)),
    ("score", ("คะแนน",)),
    ("analysis", ("วิเคราะห์",)),
    ("steps", ("ขั้นตอน", "วิธีการ", "วิธีดำเนิน")),
    ("title", ("โครงการ", "กิจกรรม", "มาตรการ", "แนวทาง")),
    ("tool", ("เครื่องมือ",)),
    ("indicator", ("ตัวชี้วัด", "ประเด็น")),
)
_MEASURE_ROLES = ("indicator", "title", "steps", "period", "responsible")
_ROLE_NAMES = {
    "indicator": "ตัวชี้วัด",
    "title": "โครงการ/กิจกรรม",
    "steps": "ขั้นตอน",
    "period": "ระยะเวลา",
    "responsible": "ผู้รับผิดชอบ",
}
# A table's header may follow a title row or two.
_HEADER_SEARCH_ROWS = 3


@dataclass
class _KnownTable:
    kind: str  # "tools", "scores", "analysis" or "measures"
    columns: dict[str, int]
    rows: list[Row]  # the rows under the header
    source: str
    authored_paragraphs: bool


def _column_roles(row: Row) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(row.cells):
        key = without_spaces(" ".join(cell))
        for role, words in _COLUMN_ROLES:
            if any(word in key for word in words):
                roles.setdefault(role, index)  # the leftmost column of a role wins
                break
    return roles


def _recognize(table: Table, result: ParseResult) -> list[_KnownTable]:
    """The tables in a table block, recognized by their header rows.

    One block can hold several tables, because a text export separates two
    tables by a blank line, which also occurs inside a table: a header row
    further down starts a new table. A measures table whose columns cannot
    all be found is an error. Rows before the first header are dropped.
    """
    found: list[_KnownTable] = []
    for index, row in enumerate(table.rows):
        at_top = not found and index < _HEADER_SEARCH_ROWS
        roles = _column_roles(row) if _looks_like_header(row, at_top) else {}
        kind = _table_kind(roles)
        missing = [_ROLE_NAMES[r] for r in _MEASURE_ROLES if r not in roles]
        if kind == "measures" and missing:
            if at_top:
                header = " | ".join(" ".join(cell) for cell in row.cells)
                result.fail(
                    "unrecognized_columns", row.source,
                    missing=missing, header=header, expected=MEASURE_COLUMNS_HELP,
                )
                return []
            kind = None  # a row of data that happens to use header words
        if kind is not None:
            found.append(_KnownTable(kind, roles, [], row.source, table.authored_paragraphs))
        elif found:
            found[-1].rows.append(row)
    return found


# Header cells are short labels. Below the top of a block a header must also
# be free of digits, so that a row such as "ตัวชี้วัดที่ 1 ... | คะแนน 90" stays data.
_MAX_HEADER_CELL = 80


def _looks_like_header(row: Row, at_top: bool) -> bool:
    texts = [" ".join(cell) for cell in row.cells]
    if any(len(text) > _MAX_HEADER_CELL for text in texts):
        return False
    return at_top or not any(ch.isdigit() for text in texts for ch in to_arabic_digits(text))


def _table_kind(roles: dict[str, int]) -> str | None:
    measure_columns = sum(role in roles for role in ("title", "steps", "period", "responsible"))
    if "tool" in roles and "score" in roles:
        return "tools"
    if "indicator" in roles and "analysis" in roles:
        return "analysis"  # an analysis table may add a column of suggestions
    if measure_columns >= 2 or (measure_columns and "indicator" in roles):
        return "measures"
    if "indicator" in roles and "score" in roles:
        return "scores"
    return None


def _cell_text(table: _KnownTable, row: Row, role: str) -> str:
    separator = "\n" if table.authored_paragraphs else " "
    return separator.join(row.cell(table.columns.get(role)))


# --- indicators -------------------------------------------------------------------

_INDICATOR_CELL = re.compile(
    r"^(?:ตัวชี้วัดที่)?\s*(?P<number>\d{1,2})(?!\d)\s*[.)]?(?P<name>.*)$", re.DOTALL
)
_NAME_KEYS = {without_spaces(name): number for number, name in INDICATOR_NAMES.items()}
_SCORE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?(?![\d.])")


def _indicator_number(text: str, source: str, result: ParseResult) -> int | None:
    """The indicator a cell names (`๑. การปฏิบัติหน้าที่`, `๑๐.การป้องกันการ ทุจริต`).

    Matched by number and by name with spaces removed; when they disagree the
    name wins, with a warning.
    """
    text = to_arabic_digits(text).strip()
    match = _INDICATOR_CELL.match(text)
    number = int(match["number"]) if match else None
    name = (match["name"] if match else text).strip(" \t\n:.-–)")
    by_name = _indicator_by_name(name)
    if number is not None and number not in INDICATOR_NAMES:
        number = None
    if by_name and number and by_name != number:
        result.warn(
            "indicator_number_mismatch", source,
            number=number, name=name, by_name=by_name, official=INDICATOR_NAMES[by_name],
        )
        return by_name
    if number and name and not by_name:
        result.warn(
            "indicator_name_unknown", source,
            name=name, number=number, official=INDICATOR_NAMES[number],
        )
    return by_name or number


def _indicator_by_name(name: str) -> int | None:
    key = without_spaces(name)
    if key in _NAME_KEYS:
        return _NAME_KEYS[key]
    # `การเปิดเผยข้อมูล (OIT)`: the official name followed by more words.
    starts = [(len(official), n) for official, n in _NAME_KEYS.items() if key.startswith(official)]
    return max(starts)[1] if starts else None


def _score(text: str) -> float | None:
    for match in _SCORE.finditer(to_arabic_digits(text)):
        value = float(match.group())
        if 0 <= value <= 100:
            return value
    return None


def _indicator_entry(result: ParseResult, number: int) -> Indicator:
    indicator = result.indicator(number)
    if indicator is None:
        indicator = Indicator(number)
        result.indicators.append(indicator)
    return indicator


def _read_indicator_scores(table: _KnownTable, result: ParseResult) -> None:
    for row in table.rows:
        score = _score(row.text(table.columns["score"]))
        indicator_text = row.text(table.columns["indicator"])
        if score is None and not _INDICATOR_CELL.match(to_arabic_digits(indicator_text)):
            continue  # a group row such as "แบบวัดการรับรู้ ... (IIT)"
        number = _indicator_number(indicator_text, row.source, result)
        if number is None:
            if score is not None:
                result.warn("score_row_without_indicator", row.source, text=indicator_text)
            continue
        indicator = _indicator_entry(result, number)
        if score is None:
            result.warn("indicator_without_score", row.source, number=number)
            continue
        indicator.score, indicator.source = score, row.source


def _read_analysis(table: _KnownTable, result: ParseResult) -> None:
    for row in table.rows:
        indicator_text = row.text(table.columns["indicator"])
        number = _indicator_number(indicator_text, row.source, result)
        analysis = _cell_text(table, row, "analysis")
        if number is None:
            if analysis:
                result.warn("analysis_without_indicator", row.source, text=indicator_text)
            continue
        indicator = _indicator_entry(result, number)
        indicator.analysis = analysis
        indicator.source = indicator.source or row.source


# --- tools and the overall score -----------------------------------------------------

_EIT_PART = re.compile(
    r"(?:ส่วนที่|ตอนที่|part)\s*\(?([12])(?!\d)|EIT\s*[-_(]?\s*([12])(?!\d)", re.IGNORECASE
)
_OVERALL_ROW = ("ภาพรวม", "คะแนนรวม", "ผลรวม", "ITA")
_LEVEL = re.compile(
    r"ระดับ\s*[\"“”'‘’]?\s*(" + "|".join(sorted(LEVELS, key=len, reverse=True)) + ")"
)
_OVERALL_PROSE = (
    re.compile(
        r"คะแนน\s*(?:โดย|ใน)?\s*(?:รวม|ภาพรวม)\s*(?:เท่ากับ|ได้|คือ|=|:)?\s*(\d{1,3}(?:\.\d+)?)"
    ),
    re.compile(r"(\d{1,3}\.\d{1,2})\s*คะแนน\s*(?:อยู่)?\s*ใน\s*ระดับ"),
)


def _tool_key(text: str) -> str | None:
    upper = to_arabic_digits(text).upper()
    key = without_spaces(upper)
    if "IIT" in key or "ภายใน" in key:
        return "IIT"
    if "EIT" in key or "ภายนอก" in key:
        part = _EIT_PART.search(upper)
        return "EIT" + (part[1] or part[2]) if part else "EIT"
    if "OIT" in key or "เปิดเผยข้อมูล" in key:
        return "OIT"
    if any(word in key for word in _OVERALL_ROW):
        return "overall"
    return None


def _read_tools(table: _KnownTable, result: ParseResult) -> None:
    for row in table.rows:
        key = _tool_key(row.text(table.columns["tool"]))
        score = _score(row.text(table.columns["score"]))
        if key is None or score is None:
            continue
        if key == "overall":
            if result.overall_score is None:
                result.overall_score, result.score_sources["overall"] = score, row.source
            if result.level is None and (level := _level_in(row.cells)):
                result.level, result.score_sources["level"] = level, row.source
            continue
        if key == "EIT":
            result.warn("eit_single_score", row.source)
            keys = ["EIT1", "EIT2"]
        else:
            keys = [key]
        for tool in keys:
            result.tools[tool], result.score_sources[tool] = score, row.source


def _level_in(cells: list[list[str]]) -> str | None:
    """A level written in a row: "ผ่านดี" alone in a cell, or "อยู่ในระดับ ผ่านดี"."""
    for cell in cells:
        text = without_spaces(" ".join(cell))
        if text.strip("\"“”'‘’()") in LEVELS:
            return text.strip("\"“”'‘’()")
        if match := _LEVEL.search(text):
            return match[1]
    return None


def _read_overall(paragraphs: list[Paragraph], result: ParseResult) -> None:
    """The overall score and level from prose such as "ค่าคะแนนโดยรวม เท่ากับ ๙๓.๘๘
    คะแนน อยู่ในระดับ “ผ่านดี”" (a tools table's overall row is the fallback)."""
    for paragraph in paragraphs:
        text = to_arabic_digits(paragraph.text)
        score = next((float(m[1]) for p in _OVERALL_PROSE if (m := p.search(text))), None)
        if score is not None and 0 <= score <= 100:
            result.overall_score, result.score_sources["overall"] = score, paragraph.source
            break
    # The level is usually in the same sentence as the score, sometimes nearby.
    in_order = sorted(paragraphs, key=lambda p: p.source != result.score_sources.get("overall"))
    for paragraph in in_order:
        if level := _LEVEL.search(paragraph.text):
            result.level, result.score_sources["level"] = level[1], paragraph.source
            return


# --- measures ------------------------------------------------------------------------

def _read_measures(table: _KnownTable, result: ParseResult, known_divisions: list[str]) -> None:
    for row in table.rows:
        title = " ".join(row.cell(table.columns["title"]))
        step_texts = split_steps(row.cell(table.columns["steps"]), table.authored_paragraphs)
        indicator_text = row.text(table.columns["indicator"])
        if not title and not step_texts:
            continue  # a group or spacer row
        number = _indicator_number(indicator_text, row.source, result)
        if number is None:
            result.warn("measure_without_indicator", row.source, text=indicator_text)
        measure = Measure(
            indicator=number,
            title=title,
            divisions=split_divisions(row.cell(table.columns["responsible"]), known_divisions),
            steps=[Step(n, text) for n, text in enumerate(step_texts, start=1)],
            source=row.source,
        )
        period_text = row.text(table.columns["period"])
        try:
            measure.start, measure.end = parse_period(period_text)
        except ThaiDateError:
            result.warn("period_unrecognized", row.source, text=period_text)
        measure.reschedule()
        result.measures.append(measure)


# --- organization and year ------------------------------------------------------------

_ORGANIZATION_KINDS = {
    "องค์การบริหารส่วนตำบล": "องค์การบริหารส่วนตำบล",
    "องค์การบริหารส่วนจังหวัด": "องค์การบริหารส่วนจังหวัด",
    "เทศบาลตำบล": "เทศบาลตำบล",
    "เทศบาลเมือง": "เทศบาลเมือง",
    "เทศบาลนคร": "เทศบาลนคร",
    "อบต.": "องค์การบริหารส่วนตำบล",
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "ทต.": "เทศบาลตำบล",
    "ทม.": "เทศบาลเมือง",
    "ทน.": "เทศบาลนคร",
}
_THAI_LETTERS = "\u0e01-\u0e2e\u0e30-\u0e4e"  # Thai letters and marks; not ฯ, not digits
_ORGANIZATION = re.compile(
    r"(?P<kind>องค์การบริหารส่วนตำบล|องค์การบริหารส่วนจังหวัด|เทศบาลตำบล|เทศบาลเมือง|เทศบาลนคร"
    rf"|(?:อบต|อบจ|ทต|ทม|ทน)\.\s?)(?P<name>[{_THAI_LETTERS}]{{2,}})"
)
# Thai needs no space before the next word: "องค์การบริหารส่วนตำบลเมืองเพียได้ดำเนินการ".
# A mention that runs on into one of these words, or into a long phrase, is the
# name followed by prose; a short extension (หนองบัว, หนองบัวแก้ว) is another name.
_WORDS_AFTER_A_NAME = re.compile(
    r"(?:ได้|ซึ่ง|โดย|อำเภอ|จังหวัด|มีผล|มีการ|ประจำปี|ดังนี้|ดังต่อไปนี้|ในการ|เป็น|จึง|และ|ที่)"
)
_LONGEST_NAME_EXTENSION = 8


def _read_organization(paragraphs: list[Paragraph], result: ParseResult) -> None:
    mentions: list[tuple[str, str]] = []  # (full name, source)
    for paragraph in paragraphs:
        for match in _ORGANIZATION.finditer(paragraph.text):
            kind = _ORGANIZATION_KINDS[match["kind"].strip()]
            mentions.append((kind + match["name"], paragraph.source))
    if not mentions:
        result.warn("organization_not_found")
        return
    names = sorted({name for name, _ in mentions}, key=len)
    canonical = {name: _shortest_prefix(name, names) for name in names}
    counts = Counter(canonical[name] for name, _ in mentions)
    chosen = counts.most_common(1)[0][0]  # the first seen wins a tie
    result.organization = chosen
    for variant in counts:
        if variant == chosen:
            continue
        sources = list(
            dict.fromkeys(source for name, source in mentions if canonical[name] == variant)
        )
        result.warn(
            "organization_spellings", sources[0], variant=variant, sources=sources, chosen=chosen
        )


def _shortest_prefix(name: str, names: list[str]) -> str:
    """The name without the prose that runs on after it."""
    for shorter in names:  # shortest first
        rest = name[len(shorter):]
        if shorter != name and name.startswith(shorter) and (
            _WORDS_AFTER_A_NAME.match(rest) or len(rest) > _LONGEST_NAME_EXTENSION
        ):
            return shorter
    kind = next(k for k in _ORGANIZATION_KINDS.values() if name.startswith(k))
    own_name = name[len(kind):]
    if (cut := _WORDS_AFTER_A_NAME.search(own_name, 2)) is not None:
        return kind + own_name[: cut.start()]
    return name


_YEAR_MENTION = re.compile(r"ปี(?:งบประมาณ)?\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4})(?!\d)")


def _read_fiscal_year(paragraphs: list[Paragraph], result: ParseResult) -> None:
    """The assessment year: the year most often named next to the ITA in the prose;
    failing that, the year before the measures' fiscal year."""
    years: Counter[int] = Counter()
    for paragraph in paragraphs:
        text = to_arabic_digits(paragraph.text)
        if "ITA" in text.upper() or "ประเมิน" in text:
            years.update(int(y) for y in _YEAR_MENTION.findall(text) if 2400 <= int(y) <= 2700)
    if years:
        most = max(years.values())
        result.fiscal_year = max(year for year, count in years.items() if count == most)
        return
    starts = [m.start for m in result.measures if m.start]
    if starts:
        measures_year = Counter(fiscal_year(start) for start in starts).most_common(1)[0][0]
        result.fiscal_year = measures_year - 1
        result.warn("year_assumed", year=result.fiscal_year)
    else:
        result.warn("year_not_found")


def _warn_missing_scores(result: ParseResult) -> None:
    missing = [n for n in INDICATOR_NAMES if (i := result.indicator(n)) is None or i.score is None]
    if len(missing) < len(INDICATOR_NAMES) and missing:
        result.warn("indicator_scores_missing", numbers=missing)
    tools = [key for key in TOOL_KEYS if result.tools.get(key) is None]
    if tools:
        result.warn("tool_scores_missing", tools=tools)
    if result.overall_score is None:
        result.warn("overall_not_found")
    if result.level is None:
        result.warn("level_not_found")
