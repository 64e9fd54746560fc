"""Read a page's form the way a browser submits it: fields, their values, checked boxes, selected options."""
from __future__ import annotations

from html.parser import HTMLParser

Fields = dict[str, "str | list[str]"]


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, Fields] = {}
        self.actions: dict[str, str] = {}
        self._form: Fields | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        # Checkboxes sharing a name send every checked value, as a list does for the test client.
        if name in self._form:
            previous = self._form[name]
            self._form[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            self._form[name] = value

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {}
            key = a.get("id") or f"form-{len(self.forms)}"
            self.forms[key] = self._form
            self.actions[key] = a.get("action") or ""
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a["name"], a.get("value", "y" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select, self._first_option = a.get("name"), None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self._form.setdefault(self._select, self._first_option)
            if "selected" in a:
                self._form[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that may follow <textarea> (WTForms writes one).
            text = self._form[self._textarea]
            self._form[self._textarea] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def _read(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    return reader


def form_fields(html: str, form_id: str) -> Fields:
    """The fields of the page's form `form_id` with the values a browser would send."""
    return dict(_read(html).forms[form_id])


def form_posting_to(html: str, action: str) -> Fields:
    """The page's one form that posts to `action` (a form without an action
    posts back to its page: pass the page's path), as a browser would send it."""
    reader = _read(html)
    found = [key for key, posts_to in reader.actions.items() if posts_to == action]
    found = found or [key for key, posts_to in reader.actions.items() if posts_to == ""]
    assert len(found) == 1, f"{len(found)} forms post to {action}"
    return dict(reader.forms[found[0]])


def open_form(client, path: str, action: str | None = None) -> Fields:
    """Open the page at `path` and return its form that posts to `action` (by
    default back to the page), filled as a browser would send it, hidden
    fields such as the edit token included."""
    page = client.get(path)
    assert page.status_code == 200, path
    return form_posting_to(page.get_data(as_text=True), action or path)
