"""Exact phrases against a plain scan of the item texts (issue: "deltog ikke",
"et flertal" and "kunne tiltræde" found nothing; a phrase with a small word
inside matched items without it).

The reference is what grep would answer over each item's texts (title,
sections, decision and notes), up to case and the aa/å variants the analyser
folds: the texts are split into words with the analyser's own word pattern
and normalised with its `normalise_word`, and a phrase matches where its
words stand next to each other in one text. `make test` runs it on every
fourth Greve meeting; RAADSARKIV_SLOW=1 on all of them.
"""

from __future__ import annotations

import re

import pytest

from indexer.analysis import WORD_PATTERN, normalise_word
from indexer.search import Archive, SearchRequest
from record_texts import item_texts

PHRASES = [
    "deltog ikke", "et flertal", "kunne tiltræde", "taget til efterretning", "ikke til stede", "stemte imod",
    "med bemærkning om", "i sagens behandling", "til efterretning", "undlod at stemme", "for stemte",
    "godkendelse af dagsorden", "på mødet", "ikke frigivet", "af administrationen", "en orientering",
]
WORD = re.compile(WORD_PATTERN)


def words(text: str) -> list[str]:
    return [normalise_word(w) for w in WORD.findall(text)]


def contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def found_ids(archive: Archive, query: str) -> set[str]:
    ids: set[str] = set()
    page = 1
    while True:
        response = archive.search(SearchRequest(q=query, page=page, per_page=100, snippets=False))
        ids.update(hit.id for hit in response.results)
        if page * 100 >= response.total or not response.results:
            return ids
        page += 1


@pytest.fixture(scope="module")
def greve_archive(greve_quarter):
    archive = Archive(greve_quarter.index)  # every fourth meeting; all of them with RAADSARKIV_SLOW=1
    records = [archive.item(hit_id) for hit_id in found_ids(archive, "")]
    return archive, [r for r in records if r and not r.get("closed")]


def test_phrases_match_a_plain_scan(greve_archive):
    archive, records = greve_archive
    assert len(records) > 1000
    texts = {r["id"]: [words(t) for t in item_texts(r)] for r in records}
    true_pos = returned = relevant = 0
    for phrase in PHRASES:
        needle = words(phrase)
        expected = {rid for rid, fields in texts.items() if any(contains(f, needle) for f in fields)}
        got = found_ids(archive, f'"{phrase}"') & set(texts)

        true_pos += len(expected & got)
        returned += len(got)
        relevant += len(expected)
        print(f'"{phrase}": {len(expected)} in the texts, {len(got)} found, {len(expected & got)} both')
    assert relevant > 500
    precision, recall = true_pos / returned, true_pos / relevant
    print(f"precision {precision:.4f}, recall {recall:.4f} over {len(PHRASES)} phrases, {len(records)} items")
    assert precision >= 0.98 and recall >= 0.98


def test_a_member_named_as_absent_is_found(greve_archive):
    archive, records = greve_archive
    absent = [r for r in records if r.get("absent")]
    name = max({n for r in absent for n in r["absent"]}, key=lambda n: sum(n in r["absent"] for r in absent))
    expected = {r["id"] for r in absent if name in r["absent"]}
    got = found_ids(archive, f'"{name}"')
    assert expected <= got, name
