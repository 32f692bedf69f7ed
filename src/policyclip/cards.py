"""The card registry: every card a template may put on screen, in one place.

The script parser accepts `@scene KIND [N]` only for kinds registered here (and only when the
brief has what the card shows), `check` reports the same, and the painter draws each kind with
the drawer of the same name (drawing.py; a test keeps the two in step). So a template that asks
for a card nobody can draw fails at `check`, before any speech is synthesized.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .models import Brief


@dataclass(frozen=True)
class CardKind:
    """One kind of card: what it shows, what a template must give, and what moves on it."""

    name: str
    shows: str
    # `points` or `faq`: the template names the item by its index (`@scene point 2`).
    ref: Literal["points", "faq"] | None = None
    # Why this brief cannot show the card (e.g. it has no steps), or None.
    needs: Callable[[Brief], str | None] = lambda brief: None
    # Effects the card takes part in, besides entering: count-up (a key figure), highlight
    # (the step being read), reveal (the answer after its question), zoom (a picture).
    motion: tuple[str, ...] = ()


def _needs_steps(brief: Brief) -> str | None:
    return None if brief.steps else "the brief has no `steps`"


CARDS: dict[str, CardKind] = {kind.name: kind for kind in (
    CardKind("title", "issuer, title, audience, effective dates (and the first picture when the "
             "theme says `title_image: card`); a long opening shows the summary after the title"),
    CardKind("point", "point N (from 0): its heading, then its key figure, its picture or its "
             "text", ref="points", motion=("count-up", "zoom")),
    CardKind("faq", "question and answer N (from 0); the answer appears once the question is "
             "read", ref="faq", motion=("reveal",)),
    CardKind("steps", "the numbered steps; the step being read is highlighted",
             needs=_needs_steps, motion=("highlight",)),
    CardKind("source", "issuer, document number, dates, contact, call to action, source URL"),
)}


def card_names() -> tuple[str, ...]:
    """The kinds a template may use, in the order the docs list them."""
    return tuple(CARDS)
