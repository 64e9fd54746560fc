"""Messages of pure code are codes with parameters, put into words where they are shown."""
from __future__ import annotations

from flask_babel import force_locale

from tracker.measures.rules import parse_percent
from tracker.reminders.rules import parse_send_time
from tracker.errors import ValidationFailed
from tracker.text import Text, english, lazy_text


def test_a_message_keeps_its_code_and_parameters():
    message = lazy_text("Each number of days must be between 0 and %(max)d.", max=365)
    assert message.template == "Each number of days must be between 0 and %(max)d."
    assert message.params == {"max": 365}
    assert english(message.template, message.params) == "Each number of days must be between 0 and 365."


def test_a_rule_answers_in_the_readers_language(app):
    _percent, message = parse_percent("150")
    assert isinstance(message, Text)
    with app.test_request_context():
        with force_locale("th"):
            assert str(message) == "ความคืบหน้าต้องอยู่ระหว่างร้อยละ 0 ถึง 100"
        with force_locale("en"):
            assert str(message) == "The percent complete must be between 0 and 100."


def test_a_reminder_rule_error_carries_a_message_to_translate(app):
    try:
        parse_send_time("25:99")
    except ValidationFailed as error:
        assert error.field == "send_time"
        with app.test_request_context(), force_locale("en"):
            assert str(error.message) == "Write the time as hours and minutes, for example 08:00."
    else:
        raise AssertionError("an impossible time was accepted")
