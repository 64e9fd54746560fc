"""url_with_id builds the same links as url_for, once per list instead of once per row."""
from flask import url_for

from tracker.urls import url_with_id


def test_links_are_those_of_url_for(app):
    with app.test_request_context("/", base_url="http://tracker.test/ita"):
        step_url = url_with_id("measures.step_detail", "step_id")
        measure_url = url_with_id("measures.measure_detail", "measure_id")
        for number in (1, 42, 2**31 - 1):
            assert step_url(number) == url_for("measures.step_detail", step_id=number)
            assert measure_url(number) == url_for("measures.measure_detail", measure_id=number)
        assert step_url(7) == "/ita/steps/7"


def test_other_values_and_a_placeholder_seen_twice_still_give_url_for(app):
    with app.test_request_context("/"):
        listed = url_with_id("measures.step_detail", "step_id", tab="history")
        assert listed(5) == url_for("measures.step_detail", step_id=5, tab="history")
        twice = url_with_id("measures.step_detail", "step_id", note=str(2**31 - 1))
        assert twice(5) == url_for("measures.step_detail", step_id=5, note=str(2**31 - 1))
