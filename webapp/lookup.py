"""A council's or an institution's records, found from its address (slug).

Shared by the pages and their feeds, so a page and its feed always follow
the same spellings: "Socialudvalget" and "socialudvalget" share /raad/socialudvalget.
"""

from __future__ import annotations

from indexer.records import MeetingRow

from .archive_state import get_archive
from .labels import council_slug, slugify


def institution_names(slug: str) -> list[str]:
    """Every spelling of the institution whose address is `slug`."""
    return sorted(name for name in get_archive().facet_value_counts("institution") if slugify(name) == slug)


def council_meetings(slug: str) -> list[MeetingRow]:
    """The meetings of the council whose address is `slug`, in every municipality."""
    return [m for m in get_archive().meetings() if council_slug(m["council"]) == slug]
