"""The per-document columns of one index generation, in numpy: facets,
dates, liveness, cases and the bodies that treated them — and facet
counting and filtering over them.

`DocumentTable` is named for what it holds: every facet column, but also
which docnums are live items, their dates (date-range filters), each item's
case (one line per case, `case_groups`) and the bodies its case passed
through (`treated_by_all`). Loaded once per index generation from the `facets` column: every facet value
becomes a small integer, single-valued facets are one int32 array indexed by
document number, multi-valued facets (institutions, law references) are a
CSR pair (owner document, value). Counting the facets of a result set is then
`bincount` over a gather — microseconds per thousand documents instead of a
Python loop per document — and filters are boolean masks.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .schema import FACETS

MISSING = -1


@dataclass
class FacetColumn:
    multi: bool
    values: list[str]  # value id → value
    ids: dict[str, int]  # value → value id
    single: np.ndarray | None = None  # docnum → value id (or MISSING)
    owners: np.ndarray | None = None  # multi: entry → docnum
    entries: np.ndarray | None = None  # multi: entry → value id

    def counts(self, mask: np.ndarray, limit: int | None = None, keep: tuple[str, ...] = ()) -> Counter:
        """Value → number of documents in `mask` (a boolean docnum mask): all
        values, or the `limit` most frequent plus the `keep` ones (a case-number
        facet has one value per case; naming them all on every search is waste)."""
        if self.multi:
            chosen = self.entries[mask[self.owners]]
        else:
            chosen = self.single[mask]
            chosen = chosen[chosen != MISSING]
        tally = np.bincount(chosen, minlength=len(self.values)) if chosen.size else np.zeros(0, np.int64)
        return self.named(tally, limit, keep)

    def named(self, tally: np.ndarray, limit: int | None = None, keep: tuple[str, ...] = ()) -> Counter:
        """`counts` from the tally of documents per value id."""
        nonzero = np.flatnonzero(tally)
        if limit is not None and nonzero.size > limit:
            nonzero = nonzero[np.argpartition(-tally[nonzero], limit - 1)[:limit]]
            extra = [self.ids[v] for v in keep if v in self.ids and self.ids[v] < tally.size]
            nonzero = np.union1d(nonzero, np.array(extra, dtype=np.int64))
        return Counter({self.values[i]: int(tally[i]) for i in nonzero if tally[i]})

    def matches(self, wanted: list[str], size: int) -> np.ndarray:
        """Boolean docnum mask of documents having any of the wanted values."""
        wanted_ids = [self.ids[v] for v in wanted if v in self.ids]
        mask = np.zeros(size, dtype=bool)
        if not wanted_ids:
            return mask
        if self.multi:
            hit = np.isin(self.entries, wanted_ids)
            mask[self.owners[hit]] = True
        else:
            mask = np.isin(self.single, wanted_ids)
        return mask


class DocumentTable:
    """All facets of one index generation, plus which docnums are live items,
    their dates (for date-range filters) and the bodies that treated their case."""

    items: np.ndarray  # docnum → live item
    dates: np.ndarray  # docnum → "YYYY-MM-DD" ("" for none)
    columns: dict[str, FacetColumn]  # facet key → column
    treated: FacetColumn  # the bodies each item knows to have treated its case

    def __init__(self, size: int, items: np.ndarray, dates: np.ndarray, columns: dict[str, FacetColumn],
                 treated: FacetColumn) -> None:
        self.size = size
        self.items = items
        self.dates = dates
        self.columns = columns
        self.treated = treated

    @classmethod
    def from_rows(cls, size: int, rows: dict[int, tuple], dates: dict[int, str],
                  treated: dict[int, tuple[str, ...]] | None = None) -> DocumentTable:
        """From whole rows (docnum → facet values in `FACETS` order); an index
        generation streams its documents through `TableBuilder` instead."""
        builder = TableBuilder(size)
        treated = treated or {}
        for docnum, row in rows.items():
            builder.add(docnum, row, "", treated.get(docnum, ()))
        for docnum, date in dates.items():
            builder.dates[docnum] = date
        return builder.table()

    def posting_mask(self, docnums) -> np.ndarray:
        """Boolean docnum mask of the given docnums (a posting list's, say);
        numbers past this generation's documents are ignored."""
        mask = np.zeros(self.size, dtype=bool)
        array = np.fromiter(docnums, dtype=np.int64) if not isinstance(docnums, np.ndarray) else docnums
        if array.size:
            mask[array[array < self.size]] = True
        return mask

    def mask(self, docnums) -> np.ndarray:
        """Boolean mask of the given docnums that are live items."""
        return self.posting_mask(docnums) & self.items

    def date_mask(self, date_from: str | None, date_to: str | None) -> np.ndarray:
        mask = self.items.copy()
        if date_from:
            mask &= self.dates >= date_from
        if date_to:
            mask &= self.dates <= date_to
        return mask

    def case_groups(self) -> np.ndarray:
        """docnum → group key: the case-number value id, or for an item without
        a case number a key of its own (-1 - docnum), so it stays a line by itself."""
        case = self.columns["case"].single
        return np.where(case >= 0, case, -1 - np.arange(self.size, dtype=np.int64))

    def treated_by_all(self, bodies: list[list[str]]) -> np.ndarray:
        """Items whose case was treated by every body: `bodies` holds, per body
        asked for, the `treated` values that name it. An item qualifies when
        some item of its case (itself included) names each body, as its own
        council or as an earlier treatment; an item without a case number
        qualifies on what it names itself."""
        groups = self.case_groups()
        mask = self.items.copy()
        for names in bodies:
            naming = self.treated.matches(names, self.size) & self.items
            mask &= np.isin(groups, np.unique(groups[naming]))
        return mask

    def value_counts(self, key: str) -> Counter:
        """Every value of the facet with its number of live items."""
        return self.columns[key].counts(self.items)

    def count(self, base: np.ndarray, filters: dict[str, list[str]],
              limits: dict[str, int | None] | None = None) -> tuple[np.ndarray, dict[str, Counter]]:
        """(docs passing every filter, counts per facet). Disjunctive: a facet's
        counts apply every filter but its own, so OR within a facet stays visible.

        The single-valued facets counted over the passing documents are
        counted together (`_stacked_tallies`)."""
        passes = {key: self.columns[key].matches(values, self.size) for key, values in filters.items() if values}
        passing = base.copy()
        for mask in passes.values():
            passing &= mask
        shared = self._stacked_tallies(passing, [key for key in self._single_keys if key not in passes])
        counts: dict[str, Counter] = {}
        for key, column in self.columns.items():
            limit = (limits or {}).get(key)
            keep = tuple(filters.get(key, ()))
            if key in shared:
                counts[key] = column.named(shared[key], limit, keep)
                continue
            if key in passes:
                scope = base.copy()
                for other, mask in passes.items():
                    if other != key:
                        scope &= mask
            else:
                scope = passing
            counts[key] = column.counts(scope, limit, keep)
        return passing, counts

    @property
    def _single_keys(self) -> list[str]:
        return [key for key, column in self.columns.items() if not column.multi]

    def _stacked_tallies(self, mask: np.ndarray, keys: list[str]) -> dict[str, np.ndarray]:
        """Per facet in `keys` (single-valued), the tally of `mask`'s documents
        per value id — what `FacetColumn.counts` tallies, for all of them in one
        gather and one bincount over a documents × facets matrix of value ids,
        each facet's ids shifted past the previous facets' (a missing value
        has a bin of its own, dropped). Seven facets counted one by one cost
        seven boolean gathers over every document: 5.9 ms for a word matching
        38,809 of the 100k generated archive's items, against ~1 ms here."""
        if len(keys) < 2:
            return {}
        stacked, matrix, offsets, widths = self._stack()
        chosen = matrix[mask]
        if not chosen.size:
            return {key: np.zeros(0, np.int64) for key in keys}
        tally = np.bincount(chosen.ravel(), minlength=int(offsets[-1] + widths[-1] + 1))
        found = {}
        for index, key in enumerate(stacked):
            if key in keys:
                part = tally[offsets[index]: offsets[index] + widths[index]]
                found[key] = part if part.any() else np.zeros(0, np.int64)
        return found

    def _stack(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(the single-valued facets, documents × those facets' value ids as
        int32, each facet's first bin, its number of values), built on first
        use: a facet's missing value goes to the bin after its values. 28
        bytes a document (28 MB at 1M items)."""
        found = self.__dict__.get("_stacked")
        if found is None:
            keys = self._single_keys
            widths = np.array([len(self.columns[key].values) for key in keys], dtype=np.int64)
            offsets = np.concatenate(([0], np.cumsum(widths + 1)[:-1]))
            matrix = np.empty((self.size, len(keys)), dtype=np.int32)
            for index, key in enumerate(keys):
                single = self.columns[key].single
                matrix[:, index] = np.where(single == MISSING, widths[index], single) + offsets[index]
            found = self.__dict__["_stacked"] = (keys, matrix, offsets, widths)
        return found


class _ColumnBuilder:
    """One facet column filled document by document: value ids as they come,
    documents and ids in compact arrays (no Python int per entry)."""

    def __init__(self, multi: bool) -> None:
        self.multi = multi
        self.values: list[str] = []
        self.ids: dict[str, int] = {}
        self.docs = array("q")
        self.entries = array("q")

    def add(self, docnum: int, values: tuple[str, ...]) -> None:
        ids = self.ids
        for value in values if self.multi else values[:1]:
            found = ids.get(value)
            if found is None:
                found = ids[value] = len(self.values)
                self.values.append(value)
            self.docs.append(docnum)
            self.entries.append(found)

    def column(self, size: int) -> FacetColumn:
        docs = np.array(self.docs, dtype=np.int64)
        entries = np.array(self.entries, dtype=np.int64)
        if self.multi:
            return FacetColumn(True, self.values, self.ids, owners=docs, entries=entries)
        single = np.full(size, MISSING, dtype=np.int64)
        single[docs] = entries
        return FacetColumn(False, self.values, self.ids, single=single)


class TableBuilder:
    """A `DocumentTable` built one document at a time, as an index generation
    is read: no row per document is kept.

    Holding every item's row first (a tuple of tuples of strings per item)
    and building the columns from them cost a server 1.7 GB at 1M generated
    items, most of it freed but never returned to the system (the small
    objects' arenas stay interleaved with the values kept); streaming keeps
    only the values and the arrays. Measured in bench/RESULTS.md."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items = np.zeros(size, dtype=bool)
        self.dates = np.full(size, "", dtype="U10")
        self.facets = [(index, _ColumnBuilder(facet.multi)) for index, facet in enumerate(FACETS)]
        self.treated = _ColumnBuilder(True)

    def add(self, docnum: int, row: tuple, date: str, treated: tuple[str, ...] = ()) -> None:
        """One live item: its facet values in `FACETS` order (a row from before
        a facet existed is shorter), its date and the bodies that treated its case."""
        self.items[docnum] = True
        if date:
            self.dates[docnum] = date
        width = len(row)
        for index, column in self.facets:
            if index < width and row[index]:
                column.add(docnum, row[index])
        if treated:
            self.treated.add(docnum, treated)

    def table(self) -> DocumentTable:
        columns = {FACETS[index].key: column.column(self.size) for index, column in self.facets}
        return DocumentTable(self.size, self.items, self.dates, columns, self.treated.column(self.size))
