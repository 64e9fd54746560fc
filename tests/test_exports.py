"""The shared list exporter: CSV with a BOM that Excel reads as UTF-8, XLSX, never a formula from user text."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tracker.export_cells import csv_text as safe_csv_text
from tracker.exports import BOM, Column, csv_bytes, xlsx_bytes

COLUMNS = [Column("ชื่อ", lambda r: r[0]), Column("ร้อยละ", lambda r: r[1])]
DANGEROUS = ["=HYPERLINK(\"http://x\",\"คลิก\")", "+1+1", "-2+3", "@SUM(A1)", "\tแท็บ", "\rขึ้นบรรทัด"]


def test_csv_starts_with_a_bom_and_keeps_thai():
    data = csv_bytes(COLUMNS, [("ประชาสัมพันธ์ช่องทางการร้องเรียน", 40)])
    assert data.startswith(BOM.encode("utf-8"))  # EF BB BF: Excel then reads UTF-8
    text = data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["ชื่อ", "ร้อยละ"], ["ประชาสัมพันธ์ช่องทางการร้องเรียน", "40"]]


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_cells_that_could_be_formulas_are_defused(value):
    rows = list(csv.reader(io.StringIO(csv_bytes(COLUMNS, [(value, 1)]).decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "'" + value
    assert safe_csv_text("ปกติ - ไม่ใช่สูตร") == "ปกติ - ไม่ใช่สูตร"


@pytest.mark.parametrize("value", DANGEROUS)
def test_xlsx_writes_user_text_as_text_never_a_formula(value):
    workbook = load_workbook(io.BytesIO(xlsx_bytes(COLUMNS, [(value, 40)], "รายการ")))
    cell = workbook.active["A2"]
    assert cell.data_type == "s" and cell.value == value
    assert workbook.active["B2"].value == 40 and workbook.active["B2"].data_type == "n"


def test_step_list_downloads_as_csv_and_xlsx_with_the_columns_on_screen(client, sign_in, make_org, make_division,
                                                                         make_user, make_measure, fixed_today):
    org = make_org()
    finance = make_division(org, "กองคลัง")
    make_measure(org, title="=มาตรการ", steps=[{"text": "ประชาสัมพันธ์ช่องทาง", "divisions": [finance], "percent": 30,
                                              "status": "in_progress"}])
    sign_in(make_user(org, "executive"))

    response = client.get("/steps", query_string={"year": 2569, "format": "csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 2
    line = dict(zip(rows[0], rows[1]))
    assert any(v == "ประชาสัมพันธ์ช่องทาง" for v in line.values())
    assert "กองคลัง" in line.values() and "30" in line.values()
    assert "'=มาตรการ" in line.values()

    xlsx = client.get("/steps", query_string={"year": 2569, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]] == rows[0]
    assert "=มาตรการ" in [c.value for c in sheet[2]]

    page = client.get("/steps", query_string={"year": 2569}).get_data(as_text=True)
    assert "format=csv" in page and "format=xlsx" in page


def test_filters_apply_to_the_download(client, sign_in, make_org, make_user, make_measure, fixed_today):
    org = make_org()
    make_measure(org, indicator=1, title="มาตรการหนึ่ง")
    make_measure(org, indicator=2, title="มาตรการสอง")
    sign_in(make_user(org, "executive"))
    response = client.get("/measures", query_string={"year": 2569, "indicator": 2, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["มาตรการสอง"]


@pytest.mark.parametrize("name", ["overdue", "due_soon", "divisions"])
def test_the_dashboards_lists_download(client, sign_in, make_org, make_division, make_user, make_measure,
                                       fixed_today, name):
    from datetime import timedelta

    org = make_org()
    works = make_division(org, "กองช่าง")
    make_measure(org, steps=[{"text": "ล่าช้าแล้ว", "due": fixed_today - timedelta(days=3), "divisions": [works]},
                             {"text": "ใกล้ครบกำหนด", "due": fixed_today + timedelta(days=3), "divisions": [works]}])
    sign_in(make_user(org, "executive"))
    response = client.get("/dashboard", query_string={"list": name, "format": "csv"})
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    expected = {"overdue": "ล่าช้าแล้ว", "due_soon": "ใกล้ครบกำหนด", "divisions": "กองช่าง"}[name]
    assert expected in text
    if name == "overdue":
        assert "ใกล้ครบกำหนด" not in text


def test_search_results_download(client, sign_in, make_org, make_user, make_measure):
    org = make_org()
    make_measure(org, title="มาตรการประชาสัมพันธ์")
    sign_in(make_user(org, "staff"))
    response = client.get("/search", query_string={"q": "สัมพัน", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["B2"].value == "มาตรการประชาสัมพันธ์"
    assert sheet["D2"].value.endswith("/measures/1") or "/measures/" in sheet["D2"].value
