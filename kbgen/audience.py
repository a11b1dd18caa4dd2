"""The audience filter: what an audience may not see never enters the next stage.

It runs once, before anything is rendered, so nothing is rendered and then removed.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import AUDIENCES, Exclusion, Session


def select(sessions: Iterable[Session], audience: str) -> tuple[list[Session], list[Exclusion]]:
    """Split sessions into those ``audience`` may see and the ones left out (with the reason)."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    allowed = AUDIENCES[audience]
    kept: list[Session] = []
    left: list[Exclusion] = []
    for s in sorted(sessions, key=lambda s: s.id):
        if s.visibility == "private":
            left.append(Exclusion(s.id, "private sessions are never published"))
        elif not s.consent:
            left.append(Exclusion(s.id, "no consent to publish (consent: false)"))
        elif s.visibility not in allowed:
            left.append(Exclusion(s.id, f"{s.visibility} session, not for a {audience} build"))
        else:
            kept.append(s)
    return kept, left
