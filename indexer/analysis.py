"""Danish text analysis, the same at index and at query time.

Four analyzers feed four kinds of field:

* ``text_analyzer()`` (title, body, decision): words → lowercase NFC →
  letter variants folded → Snowball Danish stop words dropped → Snowball
  Danish stem (PyStemmer's C stemmer through snowballstemmer), corrected by a
  small override table (``data/stem_overrides.tsv``).
* ``parts_analyzer()`` (title_parts, body_parts, decision_parts): at index
  time only the stemmed *parts* of compounds ("tomgangspladser" → "tomgang",
  "plads"), never the whole word; at query time exactly ``text_analyzer``'s
  stems. A query word thus meets a whole word in the text field and a
  compound's part in the parts field.
* ``identifier_analyzer()`` (ids): only case numbers, § references and years,
  kept whole and lowercased ("27.69.48-p35-1-21", "§85", "2021"); ordinary
  words produce nothing, so the field can be fed whole bodies.
* ``pairs_analyzer()`` (one ``<field>_pairs`` per text field): adjacent pairs of unstemmed normalised words, small words
  included, for exact phrases.

How the search layer uses them (`indexer.compiled.clause_terms`, once per search):

* Every query word is analysed per field by that field's own analyzer (the
  schema's, so index and query can never disagree) and looked up in each text
  field and its parts field, the parts field with a lower weight
  (`PARTS_WEIGHT`): "tomgang" finds both "tomgang" and "tomgangspladser", and
  the whole-word document ranks first because the same term scores more in
  the text field.
* A quoted phrase is looked up in the ``*_pairs`` fields only
  (``pairs_analyzer``: adjacent pairs of unstemmed, normalised words, small
  words included); its documents are the intersection of its pairs'
  postings. The parts fields take no part in phrases.
* Identifiers: the ``ids`` field is queried with the identifier analyzer's
  tokens of the clause text, so "§ 85" and "27.69.48-P35-1-21" arrive whole.
  Index time adds the KLE code of a case number and its spelling-free
  ``#case_key`` token, so "27.69.48" finds "27.69.48-P35-1-21" and
  "EMN 2025 9242" finds "EMN-2025-009242".

Letter variants ("Handicapraadet" typed on a foreign keyboard): a word that
is not in the Danish lexicon but becomes a known word (or compound) when
"aa"/"ae"/"oe" are read as "å"/"æ"/"ø" is replaced by that word, on both
sides. A word the lexicon knows is never touched, so "boede" (lived) never
meets "bøde" (fine), and "poesi", "Michael", "Israel" stay as they are.

Compounds: ``split_compound`` asks the hunspell da_DK lexicon (see
``indexer.lexicon``) which surface forms may begin, continue and end a
compound — the linking -s-/-e- comes from the dictionary's own compound
forms — and keeps the split with the fewest parts, then the longest shortest
part. Words hunspell knows on their own are split only on strong evidence.

Cost: every per-word result (normalised form, stem, split, parts) is cached,
so a token costs a regex match and a dictionary look-up or two once its word
has been seen. Measured on the seed corpus (26,000 tokens), warm:
``text_analyzer`` ≈ 1.3 M tokens/s (as fast as Whoosh's StandardAnalyzer),
``parts_analyzer`` ≈ 1.5 M, ``identifier_analyzer`` ≈ 1.4 M; the first pass
over unseen words ≈ 0.75 M and 0.45 M. The lexicon loads on first use, not at
import.

The analyzers are picklable (Whoosh stores the schema in the index): they hold
only module-level classes and functions, no caches and no lexicon data.
"""

from __future__ import annotations

import re
import threading
from itertools import compress
from itertools import chain as _chain
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, RegexTokenizer, StemFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer

# The Danish language itself lives in indexer.danish; these names are
# re-exported because callers (and the schemas pickled into existing indexes,
# which name `indexer.analysis.stem_word`) know them here.
from .danish.identifiers import extract_identifiers, identifier_spans
from .danish.morphology import (
    _WORD_CACHE, MAX_COMPOUND, MIN_COMPOUND, STOP_WORDS, compound_parts, stem_word,
)
from .danish.words import WORD_PATTERN, fold_variants, is_known_word, normalise_word, split_compound
from .lexicon import load_lexicon

__all__ = [
    "MAX_COMPOUND",
    "STOP_WORDS",
    "WORD_PATTERN",
    "analyze",
    "analyze_parts",
    "compound_parts",
    "extract_identifiers",
    "fold_variants",
    "identifier_analyzer",
    "is_known_word",
    "normalise_word",
    "parts_analyzer",
    "spelling_analyzer",
    "spelling_words",
    "split_compound",
    "stem_word",
    "text_analyzer",
    "word_chain",
]

class IdentifierTokenizer(Tokenizer):
    """Tokens for case numbers, § references and years only; all else is skipped."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans: Iterable[tuple[str, int, int]]
        if tokenize:
            spans = identifier_spans(value, expand=mode != "query", keyed=mode == "query")
        else:
            spans = [(value.strip().lower(), 0, len(value))]
        numbered = ((pos, text, start, end) for pos, (text, start, end) in enumerate(spans))
        yield from _fill_tokens(token, numbered, value, keeporiginal, start_pos, start_char)

    def index_words(self, value: str) -> list[str]:
        """The texts of this tokenizer's index-time tokens (`word_chain`)."""
        return [text for text, _, _ in identifier_spans(value, expand=True, keyed=False)]


def _fill_tokens(token: Token, spans: Iterable[tuple[int, str, int, int]], value: str, keeporiginal: bool,
                 start_pos: int, start_char: int) -> Iterator[Token]:
    """Yield one reused Token per (position, text, start, end) span, as Whoosh's
    own tokenizers do: positions and offsets only when the token asks for them."""
    for pos, text, start, end in spans:
        token.text = text
        token.boost = 1.0
        token.stopped = False
        if keeporiginal:
            token.original = value[start:end]  # type: ignore[attr-defined]  # set only on request, as Whoosh does
        if token.positions:
            token.pos = start_pos + pos
        if token.chars:
            token.startchar = start_char + start
            token.endchar = start_char + end
        yield token


class CompoundCandidateTokenizer(Tokenizer):
    """Index time: only words long enough to be compounds; query time: every word.

    The parts field needs no short words at index time (nothing under
    ``MIN_COMPOUND`` characters is ever split), so they are skipped before a
    Token is filled, roughly halving the work of the parts analyzer. Words,
    positions and offsets are exactly those of ``WORD_PATTERN``; only the
    short words are missing.
    """

    def __init__(self) -> None:
        self.words = RegexTokenizer(WORD_PATTERN)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if mode == "query" or not tokenize:
            yield from self.words(
                value, positions, chars, keeporiginal, removestops, start_pos, start_char, tokenize, mode, **kwargs
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        long_words = (
            (pos, match.group(), *match.span())
            for pos, match in enumerate(self.words.expression.finditer(value))
            if match.end() - match.start() >= MIN_COMPOUND
        )
        yield from _fill_tokens(token, long_words, value, keeporiginal, start_pos, start_char)

    def index_words(self, value: str) -> list[str]:
        """The texts of this tokenizer's index-time tokens (`word_chain`)."""
        return list(compress(words := _raw_words(value), map(_COMPOUND_LENGTH.__contains__, map(len, words))))


# --- filters ------------------------------------------------------------------------------------


class DanishNormalizeFilter(Filter):
    """Normalise each word (``normalise_word``) and drop Danish stop words.

    One filter instead of LowercaseFilter + StopFilter because both steps are
    one cached look-up per token here (``_indexable``), and the index build
    runs every body through three analyzers (measured: 10-15 % faster than
    the two stock filters). Stop words behave as in Whoosh's
    StopFilter: removed and positions renumbered, or kept as ``stopped``
    tokens when the caller asks ``removestops=False`` (the highlighter).

    Not a morphological filter, so Whoosh keeps it under ``no_morph`` too.
    """

    def __init__(self, minsize: int = 2, keep_stops: bool = False) -> None:
        self.minsize = minsize
        self.keep_stops = keep_stops  # exact phrases: small words are words too

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]  # Whoosh's Filter protocol
        indexable = _normalised if getattr(self, "keep_stops", False) else _indexable
        minsize = self.minsize
        pos: int | None = None
        for token in tokens:
            word = indexable(token.text)
            if word is None or len(word) < minsize:
                if not token.removestops:
                    token.text = normalise_word(token.text)
                    token.stopped = True
                    yield token
                continue
            if token.positions:
                if pos is None:
                    pos = token.pos
                else:
                    pos += 1
                    token.pos = pos
            token.text = word
            token.stopped = False
            yield token

    def index_words(self, words: list[str]) -> list[str]:
        """This filter's index-time output for plain words: stop words removed (`word_chain`).

        One cached look-up per word that answers the kept word or "" (`_kept_word`),
        so the loop is C's (filter, map): a Python loop here was a third of
        reading a meeting's vocabulary (cProfile of a 10k build's main process)."""
        keep_stops = getattr(self, "keep_stops", False)
        if self.minsize >= 1:  # every kept word is non-empty, so "" can mean dropped
            return list(filter(None, map(_kept_word(self.minsize, keep_stops), words)))
        indexable = _normalised if keep_stops else _indexable
        return [word for word in map(indexable, words) if word is not None]


@lru_cache(maxsize=_WORD_CACHE)
def _normalised(raw: str) -> str:
    """`normalise_word`, cached: the phrase pairs normalise every word of every text."""
    return normalise_word(raw)


@lru_cache(maxsize=_WORD_CACHE)
def _indexable(raw: str) -> str | None:
    """The normalised word, or None for a stop word."""
    word = normalise_word(raw)
    return None if word in STOP_WORDS else word


@lru_cache(maxsize=None)
def _kept_word(minsize: int, keep_stops: bool) -> Callable[[str], str]:
    """Per filter setting, a cached raw word → the word the filter keeps, or
    "" for one it drops (a stop word, or shorter than `minsize`)."""

    @lru_cache(maxsize=_WORD_CACHE)
    def kept(raw: str) -> str:
        word = _normalised(raw) if keep_stops else _indexable(raw)
        return word if word is not None and len(word) >= minsize else ""

    return kept


class CompoundPartsFilter(Filter):
    """Index time: replace each compound by the stems of its parts, drop other words.

    Query time (``mode="query"``): stem the word like ``text_analyzer``, so the
    query word's stem is compared with the indexed parts. Put it where a
    ``StemFilter`` would go; it stems by itself.
    """

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]  # Whoosh's Filter protocol
        for token in tokens:
            if token.stopped:
                yield token
            elif token.mode == "query":
                token.text = stem_word(token.text)
                yield token
            else:
                for part in compound_parts(token.text):
                    token.text = part
                    yield token

    def index_words(self, words: list[str]) -> list[str]:
        """Index time: the part stems of each compound (`word_chain`)."""
        return list(_chain.from_iterable(map(compound_parts, words)))


# --- analyzers -----------------------------------------------------------------------------------


def _word_tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


def _stemming_pipeline() -> CompositeAnalyzer:
    return CompositeAnalyzer(
        _word_tokenizer(),
        DanishNormalizeFilter(),
        StemFilter(stemfn=stem_word, cachesize=_WORD_CACHE),
    )


# The texts of the document being indexed, each with (its stems, its
# normalised words small words included). schema.item_document hands the
# same string object to a text field and its pairs field; both need that
# text's words, so they are computed once per text object and replayed for the
# other field, whatever order Whoosh analyses the fields in. Identity, not
# equality: two equal texts of different documents may be analysed twice, a
# text is never confused with another. Eight entries hold every text field
# of one document (four today) with room to spare; one list per process (the
# index writers are processes), guarded for the web app's query threads.
_RECENT_TEXTS: list[tuple[str, tuple[str, ...], tuple[str, ...], list[str]]] = []
_RECENT_LIMIT = 8
_RECENT_LOCK = threading.Lock()


def _index_words(value: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """(stems, normalised words, content words) of a text at index time,
    computed once per text: exactly what the stemming pipeline yields, every
    word for the pairs, and the words it stems (stop words and single letters
    dropped) for the lemmas."""
    with _RECENT_LOCK:
        for text, stems, words, content in _RECENT_TEXTS:
            if text is value:
                return stems, words, content
    raws = _raw_words(value)
    words = tuple(map(_normalised, raws))
    # the normalised words of two letters or more that are no stop words, as
    # DanishNormalizeFilter keeps them (a cached look-up per word, in C's loop)
    content = list(filter(None, map(_kept_word(2, False), raws)))
    stems = tuple(map(_stem_cached, content))
    with _RECENT_LOCK:
        _RECENT_TEXTS.insert(0, (value, stems, words, content))
        del _RECENT_TEXTS[_RECENT_LIMIT:]
    return stems, words, content


# The raw words of the texts just read (`_raw_words`): the parts field reads
# the same text object as its text field, so its words are found once.
_RECENT_RAW: list[tuple[str, list[str]]] = []


def _raw_words(value: str) -> list[str]:
    """WORD_PATTERN's words of a text (findall: WORD_PATTERN has no groups, so
    it yields whole matches; test_analysis_words), found once per text object."""
    with _RECENT_LOCK:
        for text, raws in _RECENT_RAW:
            if text is value:
                return raws
    raws = _WORD_RE.findall(value)
    with _RECENT_LOCK:
        _RECENT_RAW.insert(0, (value, raws))
        del _RECENT_RAW[_RECENT_LIMIT:]
    return raws


_WORD_RE = re.compile(WORD_PATTERN)
_COMPOUND_LENGTH = range(MIN_COMPOUND, 1 << 62)  # a raw word long enough to be split


@lru_cache(maxsize=_WORD_CACHE)
def _stem_cached(word: str) -> str:
    return stem_word(word)


class _ReplayedWords(Tokenizer):
    """A word pipeline whose plain index-time output comes from `_index_words`
    (one pass per text for the stemmed and the phrase fields); anything else
    (queries, highlighting with offsets) runs `self.pipeline` as usual."""

    pipeline: CompositeAnalyzer

    def index_words(self, value: str) -> tuple[str, ...]:
        """The texts of the index-time tokens (also `word_chain`'s first step)."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        if mode != "index" or positions or chars or keeporiginal or not removestops or not tokenize:
            yield from self.pipeline(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                     removestops=removestops, start_pos=start_pos, start_char=start_char,
                                     tokenize=tokenize, mode=mode, **kwargs)
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text in self.index_words(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            yield token


class StemmedWords(_ReplayedWords):
    """The Danish word pipeline (tokenise, normalise, drop stop words, stem).

    The index build reads each text once (`_index_words`) for both its
    stemmed field and its phrase-pair field; the pairs then cost their
    postings only."""

    def __init__(self) -> None:
        self.pipeline = _stemming_pipeline()

    def index_words(self, value: str) -> tuple[str, ...]:
        return _index_words(value)[0]


@lru_cache(maxsize=1)
def text_analyzer() -> CompositeAnalyzer:
    """Full-text fields: normalised, stop words dropped, stemmed with overrides."""
    return CompositeAnalyzer(StemmedWords())


@lru_cache(maxsize=_WORD_CACHE)
def lemma_word(word: str) -> str:
    """A normalised word's dictionary entry: the one hunspell entry that
    generates it ("lederne" → "leder", "positivt" → "positiv"), else the word
    itself (unknown, or a form of several entries: "leder" is also "lede")."""
    return load_lexicon().lemma(word) or word


class LemmaFilter(Filter):
    """Each (normalised, non-stop) word → its dictionary entry (`lemma_word`)."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]  # Whoosh's Filter protocol
        for token in tokens:
            if not token.stopped:
                token.text = lemma_word(token.text)
            yield token

    def index_words(self, words: list[str]) -> list[str]:
        return [lemma_word(word) for word in words]


class LemmaWords(_ReplayedWords):
    """The words of a text as dictionary entries, stop words dropped (the `lemmas` field)."""

    def __init__(self) -> None:
        self.pipeline = CompositeAnalyzer(_word_tokenizer(), DanishNormalizeFilter(), LemmaFilter())

    def index_words(self, value: str) -> tuple[str, ...]:
        return tuple(map(lemma_word, _index_words(value)[2]))


@lru_cache(maxsize=1)
def lemma_analyzer() -> CompositeAnalyzer:
    """Dictionary entries of the words, the same at index and query time.

    Snowball's stems both miss forms of one word ("positivt" stays
    "positivt", "positiv" becomes "positiv"; "tilknyttede" → "tilknytted",
    "tilknyttet" → "tilknyt") and join different words ("deltagelse" and
    "deltagere" both → "deltag"). The entry hunspell generates a form from
    answers both: a query word meets every form of its entry, and an item
    holding that entry scores above one that only shares the stem. A form
    several entries generate stays itself, so nothing ambiguous is joined."""
    return CompositeAnalyzer(LemmaWords())


class NormalisedWords(_ReplayedWords):
    """Every word normalised (case, NFC, aa/å), small words included, for the
    phrase pairs. At index time the words of the text just analysed for its
    stemmed field are replayed (`_index_words`): one pass over each text."""

    def __init__(self) -> None:
        self.pipeline = CompositeAnalyzer(_word_tokenizer(), DanishNormalizeFilter(minsize=1, keep_stops=True))

    def index_words(self, value: str) -> tuple[str, ...]:
        return _index_words(value)[1]


class PairFilter(Filter):
    """Each two adjacent words as one token ("skærp tilsyn"); a lone word stays
    itself. (Whoosh's BiWordFilter fails on an empty token stream.)"""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        previous: str | None = None
        last: Token | None = None
        emitted = False
        for token in tokens:
            if token.stopped:
                continue
            text = token.text
            if previous is not None:
                token.text = f"{previous} {text}"
                emitted = True
                yield token
            previous, last = text, token
        if not emitted and last is not None:
            last.text = previous
            yield last

    def index_words(self, words: tuple[str, ...] | list[str]) -> list[str]:
        """Pairs of plain words; a lone word stays itself (`word_chain`)."""
        if len(words) == 1:
            return [words[0]]
        return list(map(" ".join, zip(words, words[1:])))  # a C loop: half the time of an f-string per pair


@lru_cache(maxsize=1)
def pairs_analyzer() -> CompositeAnalyzer:
    """Adjacent word pairs ("shingles") for exact-phrase search.

    A phrase becomes an intersection of pair posting lists instead of a walk
    over word positions, which at archive scale is the difference between
    milliseconds and seconds for a phrase in every decision ("taget til
    efterretning"). Elasticsearch's `index_phrases` makes the same trade:
    a larger index for fast phrases.

    The words are normalised (case, NFC, aa/å variants) but neither stemmed
    nor stripped of small words: a journalist's quoted phrase means those
    words in that order, as grep would find them — "deltog ikke", "et
    flertal" and "kunne tiltræde" are phrases of small words. (With stems and
    without small words, "deltog ikke" found nothing and "et flertal" matched
    every "flertal".)
    """
    return CompositeAnalyzer(NormalisedWords(), PairFilter())


@lru_cache(maxsize=1)
def parts_analyzer() -> CompositeAnalyzer:
    """Compound-part fields: part stems at index time, the word's stem at query time."""
    return CompositeAnalyzer(
        CompoundCandidateTokenizer(),
        DanishNormalizeFilter(),
        CompoundPartsFilter(),
    )


@lru_cache(maxsize=1)
def identifier_analyzer() -> CompositeAnalyzer:
    """The exact-identifier field: case numbers, § references, years (see ``extract_identifiers``)."""
    return CompositeAnalyzer(IdentifierTokenizer())


@lru_cache(maxsize=1)
def spelling_analyzer() -> CompositeAnalyzer:
    """Unstemmed normalised words of three letters or more (see ``spelling_words``)."""
    return CompositeAnalyzer(
        RegexTokenizer(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])+"),
        DanishNormalizeFilter(minsize=3),
    )


# --- index-time words without tokens --------------------------------------------------------------

WordChain = Callable[[str], Sequence[str]]


def word_chain(analyzer: Any) -> WordChain | None:
    """The texts `analyzer` yields for a string at index time (mode "index",
    no positions, offsets or kept stop words), as one function of the string;
    None when one of its steps has no such form (then analyse as usual).

    Whoosh fills one Token object per word and passes it through a generator
    per step, and its Frequency format then counts the texts in Python. The
    index build only needs the texts: each step of ours states its index-time
    output on plain words (``index_words``), and the segment writer counts them
    with `collections.Counter`. Equal to the token stream by test
    (`tests/test_analysis_words.py`, every field of the schema on real
    documents) and by the byte-identical segments of `tests/test_segments.py`."""
    items = getattr(analyzer, "items", None)
    if not isinstance(analyzer, CompositeAnalyzer) or not items:
        return None
    steps = []
    for item in items:
        step = getattr(item, "index_words", None)
        if step is None and type(item) is RegexTokenizer and not item.gaps:
            step = _regex_words(item.expression)
        if step is None:
            return None
        steps.append(step)
    first, rest = steps[0], steps[1:]
    if not rest:
        return first

    def chain(value: str) -> Sequence[str]:
        words = first(value)
        for step in rest:
            words = step(words)
        return words

    return chain


def _regex_words(expression: re.Pattern) -> WordChain:
    """Whoosh's RegexTokenizer (gaps=False) at index time: every match, whole
    (`findall` where the pattern has no groups: no match object per word)."""
    if expression.groups == 0:
        return expression.findall
    return lambda value: [match.group(0) for match in expression.finditer(value)]


# --- conveniences ----------------------------------------------------------------------------------


def analyze(text: str) -> list[str]:
    """Index-time tokens of ``text_analyzer`` (what a body field holds)."""
    return [token.text for token in text_analyzer()(text, mode="index")]


def analyze_parts(text: str) -> list[str]:
    """Index-time tokens of ``parts_analyzer`` (what a *_parts field holds)."""
    return [token.text for token in parts_analyzer()(text, mode="index")]


def spelling_words(text: str) -> Iterator[str]:
    """Normalised, unstemmed words for spelling suggestions: no stop words, no numbers.

    Suggestions are shown to people, so they must be real words as written
    (lowercase NFC, variants folded), never stems.
    """
    yield from _spelling_chain()(text)


@lru_cache(maxsize=1)
def _spelling_chain() -> WordChain:
    """`spelling_analyzer`'s words without tokens (`word_chain`): the same
    words (no mode needs otherwise: its steps do not look at the mode), 0.4
    ms of CPU less per item in the build's main process, where each meeting's
    vocabulary is read (measured on 150 generated files, cProfile: spelling
    through tokens 1.1 s of the documents' 2.0 s)."""
    chain = word_chain(spelling_analyzer())
    assert chain is not None  # a regex tokenizer and our normalising filter both have one
    return chain

