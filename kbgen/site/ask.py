""""Ask about this": a session page's link that opens a mail (or an intranet form) to the
mentor or the program, with the session's title and the moment's link filled in.

Static, no server: the page holds the link's address with :data:`LINK` where the moment's own
address goes; kbgen.js puts the page's address there (with ``#t=SECONDS`` for a moment of the
transcript, on the line being marked). Every part that comes from user text (the title, the
mentors' names) is percent-encoded, so a title cannot add a recipient or a header to the mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from ..models import Mentor, Session
from .i18n import Messages

#: Where the moment's address goes in the link (letters and hyphens: unchanged by encoding).
LINK = "KBGEN-ASK-LINK"


def _address(contact: str) -> str:
    """The address of a ``mailto:`` contact, '' for another kind or one the pages would not
    link (:func:`~kbgen.site.text.safe_url`: the mentor's page withholds it too)."""
    from .text import safe_url

    if not contact.startswith("mailto:") or safe_url(contact) is None:
        return ""
    return contact[len("mailto:"):].split("?", 1)[0]


def ask_template(session: Session, mentors: Sequence[Mentor], ask, t: Messages) -> str | None:
    """The link's address with :data:`LINK` to fill, or None where there is no one to ask: every
    mentor of the session has ``accepts_questions: false``, or there is no form, no program
    address (``ask.to``) and no mentor with a mailto: contact. ``ask``: kbgen.yml's AskConfig."""
    willing = [m for m in mentors if m.accepts_questions]
    if not ask.enabled or not willing:
        return None
    names = ", ".join(m.name for m in willing)
    if ask.form:
        return ask.form.format(title=quote(session.title, safe=""), mentor=quote(names, safe=""), link=LINK)
    to = [ask.to] if ask.to else list(dict.fromkeys(a for a in (_address(m.contact) for m in willing) if a))
    if not to:
        return None
    subject = t._("Question about “%(title)s”", title=session.title)
    body = t._("About %(link)s (with %(mentors)s):", link=LINK, mentors=names) + "\n\n"
    recipients = ",".join(quote(a, safe="@") for a in to)
    return f"mailto:{recipients}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def ask_href(template: str, page: str) -> str:
    """The template with ``page`` (an address: the site's URL and the page's path, or the path
    alone) in place, as the link reads before kbgen.js runs."""
    return template.replace(LINK, quote(page, safe=""))
