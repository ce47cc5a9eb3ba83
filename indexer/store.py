"""Record access and browsing over the current snapshot: items, meetings,
councils, the items of a facet value or mentioning an identifier, and the
item a reference ("Socialudvalget den 7. maj 2024 punkt 4") points at.

Records are the stored JSON of indexer.records (`unpack`); nothing here
ranks or matches words — that is indexer.search, built on this class.
"""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

import numpy as np

from .extract import council_key
from .columns import DocumentTable
from .records import ItemRecord, MeetingRecord, MeetingRow
from .schema import unpack, unpack_item
from .snapshot import IndexView, fresh_on_stale


def fold(text: str) -> str:
    """Case- and keyboard-insensitive key: "Handicapraadet" ≈ "Handicaprådet"."""
    return (
        text.casefold().replace("å", "aa").replace("æ", "ae").replace("ø", "oe").replace("é", "e").strip()
    )


class RecordStore(IndexView):
    """Read access to the records of one index folder."""

    def _record(self, doctype: str, record_id: str):
        """The stored record (unpacked JSON) of the document of that type and id, or None."""
        snapshot = self.current()
        with snapshot.lock:
            docnum = snapshot.searcher.document_number(id=record_id)
            if docnum is None:
                return None
            fields = snapshot.searcher.stored_fields(docnum)
        return unpack(fields["record"]) if fields.get("doctype") == doctype else None

    @fresh_on_stale
    def item(self, item_id: str) -> ItemRecord | None:
        return self._record("item", item_id)

    @fresh_on_stale
    def meeting(self, meeting_id: str) -> MeetingRecord | None:
        return self._record("meeting", meeting_id)

    @fresh_on_stale
    def items_of_meeting(self, meeting_id: str) -> list[ItemRecord]:
        snapshot = self.current()
        with snapshot.lock:
            found = [unpack_item(f["record"]) for f in snapshot.searcher.documents(meeting_id=meeting_id, doctype="item")]
        return sorted(found, key=lambda r: (r["number"], r["id"]))

    def meetings(self, municipality: str | None = None, council: str | None = None, limit: int | None = None) -> list[MeetingRow]:
        rows = self.current().meetings
        if municipality:
            rows = [m for m in rows if m["municipality"] == municipality]
        if council:
            rows = [m for m in rows if m["council"] == council]
        return rows[:limit] if limit else rows

    def councils(self) -> dict[str, Counter]:
        """municipality → council → number of meetings."""
        result: dict[str, Counter] = {}
        for meeting in self.current().meetings:
            result.setdefault(meeting["municipality"], Counter())[meeting["council"] or "Notater"] += 1
        return result

    def facet_value_counts(self, key: str) -> Counter:
        return self.current().value_counts(key)

    @fresh_on_stale
    def items_by_facet(self, key: str, value: str, limit: int = 5000) -> list[ItemRecord]:
        """Items with one facet value, newest first."""
        snapshot = self.current()
        mask = snapshot.table.columns[key].matches([value], snapshot.table.size) & snapshot.table.items
        docnums = _by_date(snapshot.table, mask, newest_first=True)[:limit]
        with snapshot.lock:
            return [unpack_item(snapshot.searcher.stored_fields(d)["record"]) for d in docnums]

    @fresh_on_stale
    def items_mentioning(self, text: str, limit: int = 200) -> list[ItemRecord]:
        """Items whose identifiers (case numbers, §, years) include all of `text`'s."""
        snapshot = self.current()
        tokens = self.tokens("ids", text)
        if not tokens:
            return []
        mask = snapshot.table.items.copy()
        for token in tokens:
            mask &= snapshot.table.posting_mask(snapshot.postings.postings("ids", token)[0])
        docnums = _by_date(snapshot.table, mask, newest_first=True)[:limit]
        with snapshot.lock:
            return [unpack_item(snapshot.searcher.stored_fields(d)["record"]) for d in docnums]

    @fresh_on_stale
    def find_item(self, council: str, date: str | None, number: int | None) -> ItemRecord | None:
        """The archived item a reference such as "Socialudvalget den 7. maj 2024
        punkt 4" points at, if that meeting is in the archive."""
        if not date or number is None:
            return None
        for meeting in self.current().meetings:
            if meeting["date"] == date and same_council(meeting["council"], council):
                for item in self.items_of_meeting(meeting["id"]):
                    if item["number"] == number:
                        return item
        return None


def same_council(a: str | None, b: str | None) -> bool:
    """Bodies are written in many ways ("Arbejdsmarked - Psykiatri og
    Handicapudvalget" vs "Arbejdsmarkeds-, Psykiatri- og Handicapudvalget")."""
    if not a or not b:
        return False
    if council_key(a) == council_key(b):  # "Byråd 2022-2025", "Byråd", "Byrådet"
        return True
    x, y = ("".join(ch for ch in fold(s) if ch.isalnum()) for s in (a, b))
    return x == y or SequenceMatcher(None, x, y).ratio() >= 0.88


def _by_date(table: DocumentTable, passing: np.ndarray, newest_first: bool) -> list[int]:
    docnums = np.flatnonzero(passing)
    order = np.argsort(table.dates[docnums], kind="stable")
    if newest_first:
        order = order[::-1]
    return docnums[order].tolist()
