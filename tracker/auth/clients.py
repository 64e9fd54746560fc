"""The browser behind a request, as the sign-in services and the audit trail record it."""
from __future__ import annotations

from dataclasses import dataclass

IP_LENGTH = 45
USER_AGENT_LENGTH = 255


def _clean(text: str | None, length: int) -> str:
    # NUL and other control characters cannot be stored by PostgreSQL or shown usefully.
    return "".join(ch for ch in (text or "") if ch >= " " and ch != "\x7f")[:length]


@dataclass(frozen=True)
class Client:
    ip: str = ""
    user_agent: str = ""

    @classmethod
    def of(cls, ip: str | None, user_agent: str | None) -> Client:
        return cls(_clean(ip, IP_LENGTH), _clean(user_agent, USER_AGENT_LENGTH))


UNKNOWN = Client()


# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def describe_browser(user_agent: str | None) -> str:
    """A reader's name for a user agent, e.g. "Chrome, Windows"; the raw text when unknown."""
    text = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in text), "")
    system = next((name for marker, name in _SYSTEMS if marker in text), "")
    return ", ".join(part for part in (browser, system) if part) or text[:60] or "–"
