"""Calendar feeds: events parsed with icalendar, secret addresses that can be revoked."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tracker.extensions import db
from tracker.models import AuditEvent, CalendarFeed, FeedScope, Role
from tracker.reports import feeds
from tracker.reports.calendar_feed import FeedEvent, build_calendar, shorten

from .conftest import STEP_TEXTS


def feed_path(client) -> str:
    page = client.get("/calendar/").get_data(as_text=True)
    urls = re.findall(r'value="http://tracker\.test(/calendar/[A-Za-z0-9_-]+\.ics)"', page)
    return urls[0] if urls else ""


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events_of(calendar: Calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_staff_member_subscribes_to_the_deadlines_of_their_divisions(client, sign_in, report_org):
    sign_in(report_org.author)  # สำนักปลัด
    assert client.post("/calendar/feeds", data={"scope": "mine"}).status_code == 302
    path = feed_path(client)
    assert path
    client.post("/logout")
    calendar = parse(client.get(path))  # no sign-in: the address is the key
    assert str(calendar["X-WR-CALNAME"]).startswith("ITA")
    events = events_of(calendar)
    steps = {s.id: s for s in (*report_org.m1.steps, *report_org.m9.steps)}
    mine = [s for s in steps.values() if any(d.name == "สำนักปลัด" for d in s.divisions)]
    assert set(events) == {f"ita-step-{s.id}@tracker.test" for s in mine}
    for step in mine:
        event = events[f"ita-step-{step.id}@tracker.test"]
        assert event.decoded("DTSTART") == step.due_date  # an all-day event on the due date
        assert event.decoded("DTEND") == step.due_date + timedelta(days=1)
        assert f"ตัวชี้วัดที่ {step.measure.indicator_number}" in str(event["SUMMARY"])
        assert str(event["URL"]) == f"http://tracker.test/steps/{step.id}"
        assert step.measure.title in str(event["DESCRIPTION"]) and str(event["URL"]) in str(event["DESCRIPTION"])
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert isinstance(event.decoded("DTSTAMP"), datetime)
        assert "STATUS" not in event
    done = events[f"ita-step-{report_org.m1.steps[0].id}@tracker.test"]
    assert str(done["SUMMARY"]).startswith("✓ เสร็จแล้ว: ตัวชี้วัดที่ 1")
    open_step = events[f"ita-step-{report_org.m1.steps[1].id}@tracker.test"]
    # A long step text is cut at a word, and given in full in the description.
    assert str(open_step["SUMMARY"]) == "ตัวชี้วัดที่ 1 · เผยแพร่ประชาสัมพันธ์ให้ประชาชนรับทราบ…"
    assert STEP_TEXTS[1] in str(open_step["DESCRIPTION"])


def test_the_menu_links_to_my_calendar(client, sign_in, report_org):
    sign_in(report_org.staff)
    assert 'href="/calendar/"' in client.get("/").get_data(as_text=True)


def test_executives_have_the_whole_organization(client, sign_in, report_org, make_user):
    sign_in(make_user(report_org.org, Role.EXECUTIVE))
    page = client.get("/calendar/").get_data(as_text=True)
    assert 'name="scope" value="organization"' in page
    client.post("/calendar/feeds", data={"scope": "organization"})
    feed = db.session.scalars(sa.select(CalendarFeed).where(CalendarFeed.scope == FeedScope.ORGANIZATION)).one()
    calendar = parse(client.get(f"/calendar/{feeds.feed_token(feed.nonce)}.ics"))
    assert len(events_of(calendar)) == 4


def test_staff_cannot_have_the_organization_feed(client, sign_in, report_org):
    sign_in(report_org.staff)
    assert 'value="organization"' not in client.get("/calendar/").get_data(as_text=True)
    assert client.post("/calendar/feeds", data={"scope": "organization"}).status_code == 403
    assert db.session.scalars(sa.select(CalendarFeed)).all() == []


def test_a_revoked_address_is_not_found(client, sign_in, report_org):
    sign_in(report_org.author)
    client.post("/calendar/feeds", data={"scope": "mine"})
    path = feed_path(client)
    feed = db.session.scalars(sa.select(CalendarFeed)).one()
    assert client.post(f"/calendar/feeds/{feed.id}/revoke", data={"value": "1"}).status_code == 302
    assert client.get(path).status_code == 404
    assert feed_path(client) == ""


def test_a_new_address_replaces_the_old_one(client, sign_in, report_org):
    sign_in(report_org.author)
    client.post("/calendar/feeds", data={"scope": "mine"})
    old = feed_path(client)
    client.post("/calendar/feeds", data={"scope": "mine"})
    new = feed_path(client)
    assert new and new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("calendar.%")).order_by(AuditEvent.id)).all()
    assert actions == ["calendar.create", "calendar.regenerate"]


def test_the_secret_is_stored_only_as_a_hash(client, sign_in, report_org):
    sign_in(report_org.author)
    client.post("/calendar/feeds", data={"scope": "mine"})
    token = feed_path(client).removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43  # 32 bytes
    feed = db.session.scalars(sa.select(CalendarFeed)).one()
    assert token not in (feed.nonce, feed.token_hash)
    assert feed.token_hash == feeds.token_hash(token)


def test_feeds_of_deactivated_users_and_unknown_tokens_are_not_found(client, sign_in, report_org):
    sign_in(report_org.author)
    client.post("/calendar/feeds", data={"scope": "mine"})
    path = feed_path(client)
    report_org.author.active = False
    db.session.commit()
    assert client.get(path).status_code == 404
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_a_users_feed_cannot_be_revoked_by_another(client, sign_in, report_org, make_user):
    feed = feeds.create_feed(report_org.author, FeedScope.MINE)
    db.session.commit()
    sign_in(report_org.staff)
    assert client.post(f"/calendar/feeds/{feed.id}/revoke", data={"value": "1"}).status_code == 404
    assert db.session.get(CalendarFeed, feed.id).revoked_at is None


def test_conditional_fetch_of_an_unchanged_feed(client, report_org):
    feed = feeds.create_feed(report_org.author, FeedScope.MINE)
    db.session.commit()
    path = f"/calendar/{feeds.feed_token(feed.nonce)}.ics"
    first = client.get(path)
    assert "private" in first.headers["Cache-Control"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("scope", [FeedScope.MINE, FeedScope.ORGANIZATION])
def test_the_feed_takes_a_fixed_number_of_queries(client, report_org, make_measure, make_progress, count_queries, scope):
    owner = report_org.author if scope == FeedScope.MINE else report_org.admin
    feed = feeds.create_feed(owner, scope)
    db.session.commit()
    path = f"/calendar/{feeds.feed_token(feed.nonce)}.ics"

    def used():
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    small = used()
    division = report_org.m1.steps[0].divisions[0]
    for n in range(6):
        measure = make_measure(report_org.org, indicator=n + 2, divisions=[division], steps=["ก", "ข"])
        make_progress(measure.steps[0], report_org.author, 50)
    db.session.commit()
    assert used() == small
    # The feed itself, the steps with their measures and divisions (and the owner's divisions).
    assert small == (3 if scope == FeedScope.MINE else 2)


def test_summaries_are_shortened_at_a_word():
    assert shorten("ก" * 10) == "ก" * 10
    text = "จัดทำแผนการดำเนินงาน และแผนการใช้จ่ายงบประมาณประจำปี เผยแพร่ทางเว็บไซต์หลักของหน่วยงาน"
    short = shorten(text, 40)
    assert short.endswith("…") and len(short) <= 41 and text.startswith(short[:-1])


def test_building_a_calendar_needs_no_database():
    event = FeedEvent(
        uid="ita-step-7@example", due=date(2026, 3, 31), indicator_number=9, indicator_name="การเปิดเผยข้อมูล",
        measure_title="มาตรการ", step_number=2, step_text="เผยแพร่แผน", divisions=("กองคลัง",),
        status_text="อยู่ระหว่างดำเนินการ", percent=40, done=False, url="http://example/steps/7",
        changed_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
    )
    calendar = Calendar.from_ical(build_calendar("ITA", "ทดสอบ", [event]))
    (parsed,) = calendar.walk("VEVENT")
    assert parsed.decoded("DTSTART") == date(2026, 3, 31)
    assert str(parsed["SUMMARY"]) == "ตัวชี้วัดที่ 9 · เผยแพร่แผน"
    assert "ผู้รับผิดชอบ: กองคลัง" in str(parsed["DESCRIPTION"])
    assert str(calendar["METHOD"]) == "PUBLISH"


def icalendar_reference(name, about, events, timezone_name="Asia/Bangkok") -> bytes:
    """The feed as icalendar's object model writes it (how `build_calendar` used to make it)."""
    from icalendar import Event, vDuration

    from tracker.reports.calendar_feed import REFRESH, description, summary

    calendar = Calendar()
    calendar.add("prodid", "-//ITA Tracker//Step deadlines//TH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", about)
    calendar.add("x-wr-timezone", timezone_name)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for item in sorted(events, key=lambda e: (e.due, e.indicator_number, e.step_number, e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.changed_at)
        event.add("last-modified", item.changed_at)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", summary(item))
        event.add("description", description(item))
        event.add("url", item.url)
        event.add("categories", ["ITA"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def test_the_feed_is_written_as_icalendar_writes_it():
    texts = [
        "เผยแพร่แผน",
        "จัดทำแผนการดำเนินงาน และแผนการใช้จ่ายงบประมาณประจำปี, เผยแพร่ทางเว็บไซต์หลักของหน่วยงาน; ภายในเดือนตุลาคม",
        "a\\b; c, d\nบรรทัดสอง\r\nสาม\rสี่ \\N ห้า",
        "x" * 64 + "\\" + "y" * 30 + "\\\\" + "z" * 200,  # backslashes where lines fold
        "ก" * 24 + "\\," + "ข" * 100,
        "emoji 📅 " * 30,
        "",
    ]
    events = [
        FeedEvent(
            uid=f"ita-step-{n}@tracker.test:8080", due=date(2026, 1 + n % 12, 1 + n % 28), indicator_number=n % 10 + 1,
            indicator_name="การเปิดเผยข้อมูล" if n % 2 else "", measure_title=texts[(n + 1) % len(texts)],
            step_number=n % 4 + 1, step_text=text, divisions=("กองคลัง", "กอง, ช่าง") if n % 3 else (),
            status_text="อยู่ระหว่างดำเนินการ", percent=n * 7 % 101, done=n % 2 == 0,
            url=f"https://tracker.test/steps/{n}?a=1,2;3", changed_at=datetime(2026, 3, 1, 7, 5, 9, 123456, tzinfo=timezone.utc),
        )
        for n, text in enumerate(texts * 3)
    ]
    for name, about in (("ITA: อบต.เมืองเพีย", "กำหนดเวลาของขั้นตอน"), ("ITA: a,b;c\\d", "x" * 200)):
        assert build_calendar(name, about, events) == icalendar_reference(name, about, events)
    assert build_calendar("ITA", "", []) == icalendar_reference("ITA", "", [])
