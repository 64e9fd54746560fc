"""The request's language is looked up once, yet follows Flask-Babel when it changes mid-request."""
from flask import render_template_string, session
from flask_babel import force_locale, refresh

from tracker import i18n
from tracker.ita import WorkGroup
from tracker.labels import indicator_name, label
from tracker.text import lazy_text
from tracker.web.locale import current_language

TEMPLATE = "{{ _('Overdue') }}|{{ ngettext('%(num)d day late', '%(num)d days late', 2) }}|{{ label(group) }}"


def words(group=WorkGroup.OVERDUE) -> str:
    return render_template_string(TEMPLATE, group=group)


def test_pages_translate_in_the_request_language_and_follow_force_locale(app):
    with app.test_request_context("/"):
        thai = words()
        assert thai == "เกินกำหนด|เกินกำหนด 2 วัน|เกินกำหนด"
        assert current_language() is current_language()  # kept for the request
        with force_locale("en"):
            assert words() == "Overdue|2 days late|Overdue"
            assert i18n.current_locale() == "en" and not i18n.is_thai()
            assert str(lazy_text("Overdue")) == "Overdue"
            assert indicator_name(1) == "Performance of duties"
        assert words() == thai
        assert i18n.current_locale() == "th"
        assert indicator_name(1) != "Performance of duties"


def test_a_language_chosen_mid_request_shows_after_refresh(app):
    with app.test_request_context("/?lang=en"):
        thai = words()
        session["locale"] = "en"
        refresh()
        assert words() == "Overdue|2 days late|Overdue"
        assert thai == "เกินกำหนด|เกินกำหนด 2 วัน|เกินกำหนด"


def test_jobs_use_thai_unless_forced(app):
    with app.app_context():
        assert i18n.current_locale() == "th"
        assert label(WorkGroup.OVERDUE) == "เกินกำหนด"
        with force_locale("en"):
            assert label(WorkGroup.OVERDUE) == "Overdue"
        assert label(WorkGroup.OVERDUE) == "เกินกำหนด"


def test_template_translations_escape_their_values_and_format_always(app):
    with app.test_request_context("/"), force_locale("en"):
        page = render_template_string(
            "{{ _('Step %(number)s', number=value) }}|{{ ngettext('%(num)d day late', '%(num)d days late', 1) }}"
            "|{{ gettext('Overdue') }}|{{ _('100%%') }}",
            value="<b>")
        assert page == "Step &lt;b&gt;|1 day late|Overdue|100%"


def test_phrases_kept_for_the_request_are_those_of_their_language_escaping_and_values(app, monkeypatch):
    from markupsafe import Markup

    from tracker.web import locale

    monkeypatch.setattr(locale, "MAX_PHRASES", 3)
    with app.test_request_context("/"), force_locale("en"):
        template = "{{ _('Step %(number)s', number=value) }}"
        assert render_template_string(template, value="<b>") == "Step &lt;b&gt;"
        assert render_template_string(template, value=Markup("<b>")) == "Step <b>"  # not the kept "<b>"
        assert render_template_string(template, value="<b>") == "Step &lt;b&gt;"
        for n in range(10):  # more than MAX_PHRASES: the kept ones are dropped, the words stay right
            assert render_template_string(template, value=n) == f"Step {n}"
        assert len(current_language().phrases) <= 3
        assert render_template_string("{% autoescape false %}{{ _('Step %(number)s', number='<b>') }}{% endautoescape %}") \
            == "Step <b>"
        with force_locale("th"):
            assert render_template_string(template, value=1) != "Step 1"
        assert render_template_string(template, value=1) == "Step 1"
