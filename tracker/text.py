"""Messages for people as codes with parameters, put into words where they are shown.

Pure code (rules, parsers) cannot ask Flask-Babel for the reader's language,
so it writes `_l("English text %(name)s", name=...)` with `lazy_text` as `_l`:
the English text is the message's code (the catalog's id), kept with its
parameters. The words are chosen when the message is turned into a string (a
page, a flash, a form error), by the translator that the application
installs (`tracker.i18n.init_app`); without one, the English text is used
(the command line before an app exists, a test of pure code).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Translator = Callable[[str, Mapping[str, Any]], str]


def english(template: str, params: Mapping[str, Any]) -> str:
    return template % params if params else template


_translator: Translator = english


def use_translator(translator: Translator | None) -> None:
    """Install how messages become words (None: plain English)."""
    global _translator
    _translator = translator or english


class Text:
    """A message: its English text (the code) and its parameters, translated when shown.

    It behaves like the string it becomes, as Flask-Babel's lazy strings do.
    """

    __slots__ = ("template", "params")

    def __init__(self, template: str, params: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.params = dict(params or {})

    def __str__(self) -> str:
        return _translator(self.template, self.params)

    def __html__(self) -> str:
        from markupsafe import escape  # only where HTML is written

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"Text({self.template!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return (self.template, self.params) == (other.template, other.params)
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.template)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __add__(self, other: str) -> str:
        return str(self) + str(other)

    def __radd__(self, other: str) -> str:
        return str(other) + str(self)

    def __mod__(self, other: Any) -> str:
        return str(self) % other

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)


def lazy_text(template: str, **params: Any) -> Text:
    """`_l` of pure modules: babel extracts the text, the edge translates it."""
    return Text(template, params)
