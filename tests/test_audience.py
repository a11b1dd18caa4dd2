"""The audience filter decides before rendering; private and unconsented never pass."""

from __future__ import annotations

import datetime as dt

from kbgen.audience import select
from kbgen.models import Session


def _s(sid: str, visibility: str, consent: bool = True) -> Session:
    return Session(sid, sid, dt.date(2026, 1, 1), ("ana",), (), visibility, consent)


SESSIONS = [_s("a-pub", "public"), _s("b-int", "internal"), _s("c-priv", "private"),
            _s("d-noconsent", "public", consent=False), _s("e-int-noconsent", "internal", consent=False)]


def test_public_sees_only_public_with_consent():
    kept, left = select(SESSIONS, "public")
    assert [s.id for s in kept] == ["a-pub"]
    reasons = {e.session_id: e.reason for e in left}
    assert reasons == {
        "b-int": "internal session, not for a public build",
        "c-priv": "private sessions are never published",
        "d-noconsent": "no consent to publish (consent: false)",
        "e-int-noconsent": "no consent to publish (consent: false)",
    }


def test_internal_adds_internal_but_never_private():
    kept, left = select(SESSIONS, "internal")
    assert [s.id for s in kept] == ["a-pub", "b-int"]
    assert {e.session_id for e in left} == {"c-priv", "d-noconsent", "e-int-noconsent"}
