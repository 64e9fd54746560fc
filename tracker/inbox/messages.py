"""The thread e-mail: what is new in the instruction threads a person is part of."""
from __future__ import annotations

from flask_babel import force_locale, gettext, ngettext

from ..auth.models import User
from ..reminders.messages import Links, RenderedEmail, _common_context, _render, email_locale
from .models import Notice


def thread_email(user: User, notices: list[Notice]) -> RenderedEmail:
    links = Links()
    locale = email_locale(user)
    with force_locale(locale):
        subject = ngettext(
            "ITA Tracker: %(num)d new message about instructions",
            "ITA Tracker: %(num)d new messages about instructions",
            len(notices),
        )
        items = [
            {
                "notice": n,
                "url": links.page("instructions.thread", instruction_id=n.instruction_id),
                "who": (n.reply.author.display_name if n.reply else n.instruction.author.display_name),
                "text": (n.reply.body if n.reply else n.instruction.body),
                "about": n.instruction.step and gettext("Step %(number)s", number=n.instruction.step.number),
                "measure": n.instruction.measure.title,
            }
            for n in notices
        ]
        context = _common_context(user.organization, user, locale, links) | {"items": items}
        text, html = _render("thread", subject=subject, **context)
    return RenderedEmail(subject, text, html, locale)
