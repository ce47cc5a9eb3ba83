"""A parsed query compiled to the index's own terms, once per search.

`compile_query` turns each clause of a `query.ParsedQuery` into the
(field, tokens) pairs it looks for, with the index's analyzers. Matching
(posting masks), BM25F ranking and snippets then read the same compiled
terms. Before, each step asked the analyser again (the clause's terms were
worked out four to five times per clause and search) and the snippet's words
came from a Whoosh query tree built only to be taken apart again.

What a clause looks for (the analyzers are described in `analysis`):

* a word: every text field and its compound-parts field, the identifier
  field, the roll and the dictionary-entry fields (`FIELD_WEIGHTS`);
* a quoted phrase: the adjacent word pairs of each text field's `*_pairs`
  field, nothing else — a phrase is the intersection of its pairs' postings;
* a prefix ("tils*"): the indexed words of the text fields that start with
  it (`MAX_PREFIX_TERMS` most frequent; expanded by the caller, which caches
  per index generation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .query import Clause, ParsedQuery
from .schema import ATTENDANCE_FIELD, ATTENDANCE_WEIGHT, LEMMA_FIELD, LEMMA_WEIGHT, PARTS_WEIGHT, TEXT_FIELDS

IDS_WEIGHT = 4.0
MIN_PREFIX = 3  # "ti*" would be most of the archive
MAX_PREFIX_TERMS = 200  # a prefix searches at most this many words (the most frequent)
# Field → weight: whole words in title and decision weigh most, compound parts least.
FIELD_WEIGHTS = {
    **TEXT_FIELDS,
    **{f"{name}_parts": weight * PARTS_WEIGHT for name, weight in TEXT_FIELDS.items()},
    **{f"{name}_pairs": weight for name, weight in TEXT_FIELDS.items()},  # phrases only
    "ids": IDS_WEIGHT,
    ATTENDANCE_FIELD: ATTENDANCE_WEIGHT,  # present at the item, not named in it (schema.ATTENDANCE_WEIGHT)
    LEMMA_FIELD: LEMMA_WEIGHT,  # the word's dictionary entry in any field (schema.LEMMA_WEIGHT)
}
# The fields a snippet highlights in (`search.Archive.snippet`): a phrase's or
# a prefix's words are highlighted as words.
SNIPPET_FIELDS = ("body", "decision", "body_parts", "decision_parts")
_PHRASE_SKIPS = (ATTENDANCE_FIELD, LEMMA_FIELD)  # a phrase is exact words: no roll, no dictionary entries

FieldTerms = tuple[tuple[str, tuple[str, ...]], ...]  # (field, tokens): all tokens in that field
Tokens = Callable[[str, str], tuple[str, ...]]  # (field, text) → the field's analyzer's query tokens
PrefixTerms = Callable[[str], FieldTerms]


@dataclass(frozen=True)
class CompiledClause:
    clause: Clause
    terms: FieldTerms  # what the clause matches and scores: any field, all tokens of it
    words: FieldTerms  # its text read as words in the snippet fields (phrases and prefixes too)

    @property
    def searches(self) -> bool:
        """A clause of small words only ("og") restricts nothing; a prefix
        that no indexed word starts with finds nothing, but it still searches."""
        return self.clause.prefix or bool(self.terms)


@dataclass(frozen=True)
class CompiledQuery:
    parsed: ParsedQuery
    groups: tuple[tuple[CompiledClause, ...], ...]  # AND of OR-groups, as parsed
    excluded: tuple[CompiledClause, ...]

    @property
    def scored(self) -> bool:
        """The query has words to rank by (else results are in date order)."""
        return any(clause.searches for group in self.groups for clause in group)

    def snippet_terms(self) -> dict[str, set[str]]:
        """Field → the tokens a snippet highlights: the words of every clause searched for."""
        terms: dict[str, set[str]] = {}
        for group in self.groups:
            for compiled in group:
                for fieldname, tokens in compiled.words:
                    terms.setdefault(fieldname, set()).update(tokens)
        return terms


def compile_query(parsed: ParsedQuery, tokens: Tokens, prefix_terms: PrefixTerms) -> CompiledQuery:
    def compiled(clause: Clause) -> CompiledClause:
        return CompiledClause(clause, clause_terms(clause, tokens, prefix_terms), _words(clause.text, tokens))

    return CompiledQuery(
        parsed=parsed,
        groups=tuple(tuple(compiled(clause) for clause in group) for group in parsed.groups),
        excluded=tuple(compiled(clause) for clause in parsed.excluded),
    )


def clause_terms(clause: Clause, tokens: Tokens, prefix_terms: PrefixTerms) -> FieldTerms:
    """(field, tokens) the clause looks for (see the module docstring)."""
    if clause.prefix and len(clause.text) >= MIN_PREFIX:
        return prefix_terms(clause.text)
    found = []
    for fieldname in FIELD_WEIGHTS:
        if fieldname.endswith("_pairs") or (clause.phrase and (fieldname.endswith("_parts") or fieldname in _PHRASE_SKIPS)):
            continue
        if clause.phrase and fieldname in TEXT_FIELDS:
            fieldname = f"{fieldname}_pairs"
        analysed = tokens(fieldname, clause.text)
        if analysed:
            found.append((fieldname, analysed))
    return tuple(found)


def _words(text: str, tokens: Tokens) -> FieldTerms:
    return tuple((fieldname, found) for fieldname in SNIPPET_FIELDS if (found := tokens(fieldname, text)))
