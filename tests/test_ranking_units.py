"""Facet counting and BM25F on their own, against plain Python recomputations.

The search tests check both through the whole pipeline on the seeds and the
Greve archive; these pin the two numpy engines (indexer.columns,
indexer.postings) by themselves, so a change to either is caught where it is
made: facet counts against a per-document Python tally over a random table
(disjunctive semantics, top-k with kept values, dates), postings and BM25
against Whoosh's own per-posting API and the textbook formula, over several
segments.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter

import numpy as np
import pytest
from whoosh import fields, index

from indexer.columns import DocumentTable
from indexer.schema import FACETS
from indexer.postings import B, K1, PostingsCache

VALUES = {facet.key: [f"{facet.key}-{n}" for n in range(5)] for facet in FACETS}


def _random_table(seed: int, size: int = 400):
    """Rows for a random subset of docnums (the others are meetings or deleted)."""
    rnd = random.Random(seed)
    rows: dict[int, tuple] = {}
    dates: dict[int, str] = {}
    for docnum in range(size):
        if rnd.random() < 0.2:
            continue  # not an item
        row = []
        for facet in FACETS:
            if facet.multi:
                row.append(tuple(sorted(set(rnd.sample(VALUES[facet.key], rnd.randint(0, 3))))))
            else:
                row.append((rnd.choice(VALUES[facet.key]),) if rnd.random() < 0.9 else ())
        rows[docnum] = tuple(row)
        dates[docnum] = f"20{rnd.randint(20, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    return size, rows, dates


def _tally(rows, docs, key) -> Counter:
    index_of = [f.key for f in FACETS].index(key)
    return Counter(value for d in docs for value in rows[d][index_of])


def _passes(rows, docnum, filters, skip=None) -> bool:
    keys = [f.key for f in FACETS]
    return all(set(rows[docnum][keys.index(k)]) & set(v) for k, v in filters.items() if v and k != skip)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_disjunctive_facet_counts_equal_a_python_tally(seed):
    size, rows, dates = _random_table(seed)
    table = DocumentTable.from_rows(size, rows, dates)
    rnd = random.Random(seed * 7)
    base_docs = [d for d in rows if rnd.random() < 0.6]
    filters = {"council": rnd.sample(VALUES["council"], 2), "law": [rnd.choice(VALUES["law"])]}
    passing, counts = table.count(table.mask(base_docs), filters)
    expected_passing = {d for d in base_docs if _passes(rows, d, filters)}
    assert set(np.flatnonzero(passing)) == expected_passing
    for facet in FACETS:
        # a facet's counts apply every filter but its own: OR within a facet stays visible
        scope = [d for d in base_docs if _passes(rows, d, filters, skip=facet.key)]
        assert counts[facet.key] == _tally(rows, scope, facet.key), facet.key


def test_top_k_keeps_the_most_frequent_and_the_chosen_values():
    size, rows, dates = _random_table(4)
    table = DocumentTable.from_rows(size, rows, dates)
    everything = table.columns["council"].counts(table.items)
    rarest = min(everything, key=lambda v: (everything[v], v))
    top = table.columns["council"].counts(table.items, limit=2, keep=(rarest,))
    most = sorted(everything.values(), reverse=True)[:2]
    assert sorted((n for v, n in top.items() if v != rarest), reverse=True) == most
    assert top[rarest] == everything[rarest]


def test_masks_ignore_non_items_and_out_of_range_docnums():
    size, rows, dates = _random_table(5)
    table = DocumentTable.from_rows(size, rows, dates)
    not_items = [d for d in range(size) if d not in rows][:5]
    mask = table.mask([*not_items, size + 10, next(iter(rows))])
    assert list(np.flatnonzero(mask)) == [next(iter(rows))]


def test_date_mask_is_inclusive_on_both_ends():
    size, rows, dates = _random_table(6)
    table = DocumentTable.from_rows(size, rows, dates)
    day = sorted(dates.values())[len(dates) // 2]
    assert set(np.flatnonzero(table.date_mask(day, day))) == {d for d, v in dates.items() if v == day}
    assert set(np.flatnonzero(table.date_mask(None, day))) == {d for d, v in dates.items() if v <= day}


def _segmented_index(tmp_path, texts: list[str]):
    """A tiny index in three segments, so leaf offsets are exercised."""
    schema = fields.Schema(body=fields.TEXT(stored=False))
    ix = index.create_in(tmp_path, schema)
    for chunk in (texts[:3], texts[3:6], texts[6:]):
        writer = ix.writer()
        for text in chunk:
            writer.add_document(body=text)
        writer.commit(merge=False)
    return ix


TEXTS = [
    "tilsyn med plejehjem", "tilsyn tilsyn og tilsyn", "budget for skoler",
    "plejehjem og budget", "uanmeldt tilsyn på plejehjem i kommunen med mange ord her",
    "skoler", "tilsyn", "intet relevant i denne tekst overhovedet", "budget budget tilsyn",
]


def test_postings_and_lengths_equal_whooshs_per_posting_api(tmp_path):
    ix = _segmented_index(tmp_path, TEXTS)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 3
        cache = PostingsCache(reader, threading.RLock())
        docs, freqs = cache.postings("body", "tilsyn")
        expected = [(d, TEXTS[d].split().count("tilsyn")) for d in range(len(TEXTS)) if "tilsyn" in TEXTS[d].split()]
        assert list(zip(docs.tolist(), freqs.tolist())) == expected
        lengths = cache.lengths("body")
        assert lengths.tolist() == [reader.doc_field_length(d, "body") for d in range(len(TEXTS))]
        assert cache.postings("body", "findes-ikke")[0].size == 0


def test_bm25_is_the_textbook_formula_and_ranks_by_it(tmp_path):
    ix = _segmented_index(tmp_path, TEXTS)
    with ix.reader() as reader:
        cache = PostingsCache(reader, threading.RLock())
        scores = np.zeros(len(TEXTS), dtype=np.float64)
        cache.bm25("body", "tilsyn", 2.0, scores)
        lengths = cache.lengths("body")
        average = reader.field_length("body") / reader.doc_count()
        df = sum("tilsyn" in t.split() for t in TEXTS)
        idf = math.log(1 + (len(TEXTS) - df + 0.5) / (df + 0.5))
        for d, text in enumerate(TEXTS):
            tf = text.split().count("tilsyn")
            norm = K1 * ((1 - B) + B * lengths[d] / average)
            expected = 2.0 * idf * tf * (K1 + 1) / (tf + norm) if tf else 0.0
            assert scores[d] == pytest.approx(expected, rel=1e-5), (d, text)
        # more occurrences in a short text rank first; a long text with one ranks below a short one
        assert int(np.argmax(scores)) == 1
        assert scores[6] > scores[4]
