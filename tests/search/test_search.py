"""Search by any part of a word (Thai has no spaces), scoped to the organization, grouped by kind."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from tests.instructions.conftest import NOON, office  # noqa: F401  (the fixture)
from tests.measures.files import PDF, upload
from tracker.extensions import db
from tracker.instructions import services as instructions
from tracker.measures.models import Evidence
from tracker.search.services import like_pattern, search


def test_like_pattern_escapes_wildcards():
    assert like_pattern("100%") == "%100\\%%"
    assert like_pattern("a_b\\c") == "%a\\_b\\\\c%"


def test_a_thai_fragment_from_the_middle_of_a_word_finds_the_step(office):  # noqa: F811
    # "ประชาสัมพันธ์ช่องทางการร้องเรียน": "สัมพัน" starts inside the first word and ends before its end.
    results = search(office.org.id, "สัมพัน")
    assert [s.text for s in results.steps.rows] == ["ประชาสัมพันธ์ช่องทางการร้องเรียน"]
    assert results.measures.total == 0
    assert search(office.org.id, "ทางการร้อง").steps.total == 1  # across two words, no space between


def test_every_kind_is_found_and_grouped(office, make_progress):  # noqa: F811
    make_progress(office.finance_step, office.finance_head, 40, note="ติดตั้งป้ายประกาศหน้าสำนักงานแล้ว")
    instruction = instructions.write_instruction(office.executive, office.measure, step=office.finance_step,
                                                 body="ให้ถ่ายภาพป้ายประกาศทุกจุด", now=NOON)
    instructions.answer_instruction(office.finance_head, instruction, body="แนบภาพแล้ว",
                                    files=[upload("ภาพป้ายประกาศ.pdf", PDF)], now=NOON + timedelta(minutes=5))
    db.session.commit()

    results = search(office.org.id, "ป้ายประกาศ")
    assert results.notes.total == 1
    assert [i.id for i in results.instructions.rows] == [instruction.id]
    assert [f.name for f in results.files.rows] == ["ภาพป้ายประกาศ.pdf"]
    assert results.total == 3
    # An instruction is found by its answers too.
    assert search(office.org.id, "แนบภาพ").instructions.total == 1
    assert search(office.org.id, "จัดซื้อจัดจ้าง").measures.total == 1


def test_percent_and_underscore_match_themselves(office, make_measure):  # noqa: F811
    make_measure(office.org, indicator=2, title="เบิกจ่ายงบประมาณ 100% ภายในไตรมาส", steps=["ขั้นตอน_ก"])
    assert search(office.org.id, "0%").measures.total == 1
    assert search(office.org.id, "%").measures.total == 0  # too short anyway
    assert search(office.org.id, "%%").measures.total == 0
    assert search(office.org.id, "น_ก").steps.total == 1
    assert search(office.org.id, "_ก").steps.total == 1
    assert search(office.org.id, "นXก").steps.total == 0


def test_another_organizations_records_are_never_found(office, make_org, make_measure):  # noqa: F811
    other = make_org("อบต.อื่น")
    make_measure(other, title="มาตรการเปิดเผยข้อมูลของหน่วยงานอื่น", steps=["ประชาสัมพันธ์ของหน่วยงานอื่น"])
    assert search(office.org.id, "สัมพัน").steps.total == 1
    assert search(other.id, "สัมพัน").steps.total == 1
    assert search(office.org.id, "หน่วยงานอื่น").total == 0


def test_a_short_query_searches_nothing(office):  # noqa: F811
    assert search(office.org.id, " ป ").too_short
    assert search(office.org.id, "ป").total == 0


def test_search_takes_a_fixed_number_of_queries(office, make_measure, count_queries):  # noqa: F811
    def add(first: int, last: int) -> None:
        for n in range(first, last):
            make_measure(office.org, indicator=n % 10 + 1, title=f"มาตรการประชาสัมพันธ์ {n}",
                         steps=[f"ประชาสัมพันธ์ขั้นตอน {n}-{k}" for k in range(5)])

    add(0, 6)
    with count_queries() as few:
        search(office.org.id, "สัมพัน", limit=5)
    add(6, 20)
    with count_queries() as many:
        results = search(office.org.id, "สัมพัน", limit=5)
    assert results.steps.total == 1 + 20 * 5 and len(results.steps.rows) == 5
    assert few.count == many.count <= 16


def test_the_search_page_groups_results_and_links_them(client, sign_in, office, make_org, make_user):  # noqa: F811
    sign_in(office.works_head)
    page = client.get("/search", query_string={"q": "สัมพัน"}).get_data(as_text=True)
    assert 'id="results-steps"' in page and 'id="results-measures"' not in page
    assert f'href="/steps/{office.finance_step.id}"' in page
    assert 'id="nav-search-q"' in page
    empty = client.get("/search", query_string={"q": "ไม่มีคำนี้"}).get_data(as_text=True)
    assert 'id="no-results"' in empty


def test_an_instruction_found_by_its_answer_shows_the_answer(client, sign_in, office):  # noqa: F811
    instruction = instructions.write_instruction(office.executive, office.measure, step=office.finance_step,
                                                 body="ขอรายงาน", now=NOON)
    instructions.answer_instruction(office.finance_head, instruction, body="รอเอกสารจากธนาคาร", now=NOON)
    db.session.commit()
    sign_in(office.executive)
    page = client.get("/search", query_string={"q": "ธนาคา"}).get_data(as_text=True)
    group = page.split('id="results-instructions"')[1].split("</section>")[0]
    assert "ขอรายงาน" in group and "↳ รอเอกสารจากธนาคาร" in group
