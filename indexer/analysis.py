"""Danish text analysis, the same at index and at query time.

Three analyzers feed three kinds of field:

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

How the search layer uses them:

* Query each text field together with its parts field, the parts field with a
  lower boost (e.g. body 1.0, body_parts 0.4): "tomgang" then finds both
  "tomgang" and "tomgangspladser", and the whole-word document ranks first
  because the same term scores more in the text field.
* Phrase queries only on the text fields; the parts fields have no useful
  positions and should be ``phrase=False``.
* Identifiers: call ``extract_identifiers(raw_query)`` on the query string
  *before* splitting it into words (a split separates "§" from "85") and OR a
  boosted ``Term("ids", token)`` per result into the query. Index time adds
  the KLE code of a case number too, so "27.69.48" finds
  "27.69.48-P35-1-21", while the full number matches only itself.

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

import importlib.resources
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import combinations
from typing import Any

import snowballstemmer
from whoosh.analysis import Filter, RegexTokenizer, StemFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.stopwords import stoplists

from .extract import case_key
from .lexicon import Lexicon, load_lexicon

__all__ = [
    "STOP_WORDS",
    "analyze",
    "analyze_parts",
    "compound_parts",
    "extract_identifiers",
    "fold_variants",
    "identifier_analyzer",
    "normalise_word",
    "parts_analyzer",
    "spelling_analyzer",
    "spelling_words",
    "split_compound",
    "stem_word",
    "text_analyzer",
]

# --- words ------------------------------------------------------------------------

# A word is letters and digits ("2021", "covid19", "p35"); combining marks are
# kept inside it so a decomposed "å" (a + U+030A) is one token until NFC.
# Numbers keep their inner dots and commas ("1.000", "2,5", "27.69.48").
# (Measured: this form is twice as fast as an alternation of number|word.)
WORD_PATTERN = r"[^\W_][\w\u0300-\u036f]*(?:[.,]\d+)*"

# Snowball's Danish stop list (the one Whoosh ships as stoplists["da"]).
STOP_WORDS: frozenset[str] = stoplists["da"]

# Per-word caches (normalised word, stem, split, parts): 131,072 entries each
# hold the working vocabulary of a municipality's minutes (the seed corpus has
# 4,200 distinct words in 26,000 tokens), while bounding a long-running server
# to roughly 20 MB per cache.
_WORD_CACHE = 1 << 17

# --- compounds ----------------------------------------------------------------------

MIN_PART = 3  # shortest head lemma / middle / tail: "rus", "råd"
MIN_COMPOUND = 6  # shorter words are never split
# Longer words are never split either: no Danish word is 50 letters long
# ("speciallægepraksisplanlægningsudvalget" has 38), and the split is
# quadratic in the word's length (a 1 MB token took 166 s before this bound).
MAX_COMPOUND = 50
STRICT_PART = 4  # parts of a word the lexicon already knows need this many letters

# Danish derivational endings that hunspell also lists as words ("ring",
# "lig", "hed", "ion", "skab"): a "tail" whose stem is one of these is a
# suffix, not a word ("orientering", "personlig", "helhed", "regnskab").
SUFFIX_STEMS: frozenset[str] = frozenset(
    """
    ring lig ligt hed ion tion sk ske skab dom else ning end ende ist isk
    ism isme ment ere ale inde ør ik tik
    """.split()
)

# Particles and bound prefixes that hunspell lets begin compounds but that make
# junk parts: "indsats" is not "ind" + "sats", "forslag" not "for" + "slag".
PARTICLES: frozenset[str] = STOP_WORDS | frozenset(
    """
    af an ad be bi ge er for fore fra gen hen ind med mis mod ned om op over
    på sam til ud und under u van efter frem bag igen imod inden uden mellem
    omkring sammen tilbage ikke ens ene
    """.split()
)

# --- letter variants -------------------------------------------------------------------

VARIANTS = {"aa": "å", "ae": "æ", "oe": "ø"}
_VARIANT_PAIR = re.compile("aa|ae|oe")
MAX_VARIANT_PAIRS = 4  # a word with more pairs than this is left alone

# Cyrillic letters that broken PDF text puts into Danish words: "Magleмосen"
# is "Maglemosen" transliterated letter by letter, so transliterate back.
_HOMOGLYPHS = str.maketrans("абвгдезийклмнопрстуфхцыэ", "abvgdezijklmnoprstufhcye")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-zæøå]")


def _ascii_or_nfc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _fix_homoglyphs(word: str) -> str:
    """Only words that mix scripts are touched; a Russian word stays Russian."""
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return word.translate(_HOMOGLYPHS)
    return word


def normalise_word(raw: str) -> str:
    """The form every later step sees: lowercase, NFC, scripts fixed, variants folded."""
    word = _fix_homoglyphs(_ascii_or_nfc(raw.lower()))
    return fold_variants(word)


def fold_variants(word: str) -> str:
    """"handicapraadet" → "handicaprådet" when only the folded form is Danish.

    Folding both index and query text the same way makes the two spellings
    meet; asking the lexicon first keeps real words with these letter pairs
    ("poesi", "boede", "koordinere", "ekstraarbejde") apart from the words
    they would otherwise collide with. Of several candidates the one with the
    fewest replacements wins.
    """
    if not _VARIANT_PAIR.search(word):
        return word
    lexicon = load_lexicon()
    if not lexicon or is_known_word(word):
        return word
    for candidate in _variant_candidates(word):
        if is_known_word(candidate):
            return candidate
    return word


def _variant_candidates(word: str) -> Iterator[str]:
    """Every way to replace some of the pairs, fewest replacements first."""
    spots = [i for i in range(len(word) - 1) if word[i : i + 2] in VARIANTS]
    if len(spots) > MAX_VARIANT_PAIRS:
        return
    for count in range(1, len(spots) + 1):
        for chosen in combinations(spots, count):
            if any(b - a < 2 for a, b in zip(chosen, chosen[1:], strict=False)):
                continue  # overlapping pairs ("aae") cannot both be replaced
            pieces, last = [], 0
            for spot in chosen:
                pieces += [word[last:spot], VARIANTS[word[spot : spot + 2]]]
                last = spot + 2
            yield "".join(pieces) + word[last:]


def is_known_word(word: str) -> bool:
    """A lexicon word, or a compound of lexicon words."""
    lexicon = load_lexicon()
    return lexicon.is_word(word) or _best_split(word) is not None


# --- stemming -----------------------------------------------------------------------------


def _read_overrides() -> dict[str, str]:
    """word → stem from data/stem_overrides.tsv (comments and blank lines skipped)."""
    data = importlib.resources.files(__package__ or "indexer").joinpath("data", "stem_overrides.tsv")
    text = data.read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, stem, *_why = line.split("\t")
        table[word.strip()] = stem.strip()
    return table


STEM_OVERRIDES: dict[str, str] = _read_overrides()
_OVERRIDE_ENDINGS: tuple[str, ...] = tuple(STEM_OVERRIDES)

# PyStemmer's stemmer objects are not thread-safe (the web app analyses queries
# in several threads), so each thread gets its own.
_local = threading.local()


def _snowball(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("danish")
    return stemmer.stemWord(word)


def stem_word(word: str) -> str:
    """Snowball's Danish stem of a normalised word, with the override table applied.

    Module-level on purpose: ``StemFilter`` pickles its ``stemfn`` into the
    index schema by reference. Not cached here: the text analyzer's
    ``StemFilter(cachesize=...)`` caches it, and the parts analyzer caches
    whole ``compound_parts`` results.
    """
    override = STEM_OVERRIDES.get(word)
    if override is not None:
        return override
    if word.endswith(_OVERRIDE_ENDINGS):
        fixed = _compound_override(word)
        if fixed is not None:
            return fixed
    return _snowball(word)


def _compound_override(word: str) -> str | None:
    """"tomgangsplads" → "tomgangs" + "plads": a compound ending in an override word."""
    parts = _best_split(word)
    if parts is None or parts[-1] not in STEM_OVERRIDES:
        return None
    tail = parts[-1]
    return word[: len(word) - len(tail)] + STEM_OVERRIDES[tail]


# --- compounds ------------------------------------------------------------------------------


def split_compound(word: str) -> list[str] | None:
    """Surface parts of a Danish compound, or None if it is not one.

    The first and middle parts are given as dictionary words without their
    linking letter, the last part as written (after the same normalising as
    the analyzers, so "Handicapraadet" → ["handicap", "rådet"]):
    "tomgangspladser" → ["tomgang", "pladser"],
    "tilsynsrapporterne" → ["tilsyn", "rapporterne"].
    """
    parts = _best_split(normalise_word(word.strip()))
    if parts is None:
        return None
    return list(_part_words(parts))


def _part_words(parts: tuple[str, ...]) -> Iterator[str]:
    """Linking forms back to their lemma ("tilsyns" → "tilsyn"); the tail stays."""
    lexicon = load_lexicon()
    yield lexicon.heads[parts[0]]
    for middle in parts[1:-1]:
        yield lexicon.middles[middle]
    yield parts[-1]


@lru_cache(maxsize=_WORD_CACHE)
def compound_parts(word: str) -> tuple[str, ...]:
    """Stems of the parts of a normalised word, () if it is no compound.

    Parts are stemmed exactly as whole words are (``stem_word``), so a query
    word's stem equals the indexed part: "pladser" → "plads" = stem("plads").
    """
    parts = _best_split(word)
    if parts is None:
        return ()
    stems: dict[str, None] = {}
    for part in _part_words(parts):
        stems[stem_word(part)] = None
        # A part that is itself a compound contributes its own parts, so
        # "tilbud" also finds "døgn|behandlingstilbud". Parts are lexicon
        # words, so the nested split is the strict one.
        stems.update(dict.fromkeys(compound_parts(part)))
    return tuple(stem for stem in stems if stem)


@lru_cache(maxsize=_WORD_CACHE)
def _best_split(word: str) -> tuple[str, ...] | None:
    """Surface segments (linking letters included) of the best split, or None.

    Dynamic programming from the start: ``chains[j]`` is the best way to read
    ``word[:j]`` as a head followed by middles (dictionary look-ups only);
    a tail is then tried only where a chain ends, which keeps the slower
    full-form look-ups to one or two per word. The cost (number of parts,
    then the shortest part, longer is better) is chosen so that the best
    chain to a position is also part of the best whole split.

    A word the lexicon knows as a word of its own is split only on strong
    evidence (see ``_link_ok``/``_tail_ok``): hunspell itself never splits
    such words, and most false splits ("personlig" → "person" + "lig",
    "billede" → "bil" + "lede") are of that kind. Unknown words, the new
    compounds of council prose ("tomgangspladser"), are split more freely.
    """
    lexicon = load_lexicon()
    size = len(word)
    if not MIN_COMPOUND <= size <= MAX_COMPOUND or not lexicon or not word.isalpha() or word in PARTICLES:
        return None
    strict = lexicon.is_word(word)
    last = size - MIN_PART  # a tail needs MIN_PART letters
    chains: list[tuple[str, ...] | None] = [None] * (last + 1)
    for end in range(MIN_PART, last + 1):
        if _link_ok(word[:end], lexicon.heads, lexicon, strict):
            chains[end] = (word[:end],)
    for start in range(MIN_PART, last + 1):
        chain = chains[start]
        if chain is None:
            continue
        for end in range(start + MIN_PART, last + 1):
            if _link_ok(word[start:end], lexicon.middles, lexicon, strict):
                longer, current = (*chain, word[start:end]), chains[end]
                if current is None or _split_cost(longer) < _split_cost(current):
                    chains[end] = longer
    options = [
        (*chain, word[start:])
        for start, chain in enumerate(chains)
        if chain is not None and _tail_ok(word[start:], lexicon, strict)
    ]
    if strict:
        options = [parts for parts in options if _stems_like_tail(word, parts[-1])]
    return min(options, key=_split_cost) if options else None


def _split_cost(parts: tuple[str, ...]) -> tuple[int, int]:
    return len(parts), -min(len(part) for part in parts)


def _link_ok(segment: str, table: dict[str, str], lexicon: Lexicon, strict: bool) -> bool:
    """May ``segment`` begin (heads) or continue (middles) a compound?

    Bound prefixes ("inter", "anti") may split only words the lexicon does not
    know: "international" is a word, "antidiskriminationsindsats" is not. In a
    known word a part needs four letters unless a linking -s- marks it
    ("sags|behandling", "tids|punkt"): three-letter words are mostly chance
    substrings ("met|ode", "bil|lede").
    """
    lemma = table.get(segment)
    if lemma is None or len(lemma) < MIN_PART:
        return False
    if lemma in PARTICLES or segment in PARTICLES:
        return False
    if not strict:
        return True
    if segment in lexicon.bound:
        return False
    linked_by_s = segment != lemma and segment.endswith("s")
    return linked_by_s or len(lemma) >= STRICT_PART


def _tail_ok(tail: str, lexicon: Lexicon, strict: bool) -> bool:
    """A last part: a COMPOUNDEND form that is not a derivational ending in disguise."""
    if not lexicon.is_tail(tail) or tail in PARTICLES:
        return False
    if strict and len(tail) < STRICT_PART:
        return False
    return _snowball(tail) not in SUFFIX_STEMS


def _stems_like_tail(word: str, tail: str) -> bool:
    """Does Snowball end the whole word as it ends the tail alone?

    True for real compounds ("socialudvalget" → "social" + "udvalg"); false
    where the "tail" only exists by cutting a suffix in two ("yderligere",
    "forelægges"), which Snowball then treats differently.
    """
    return _snowball(word) == word[: len(word) - len(tail)] + _snowball(tail)


# --- identifiers ------------------------------------------------------------------------------

_ALNUM = "[0-9a-zæøå]"
_ID_END = r"(?![\w]|[./\-–]\w)"  # not followed by more of a word or identifier
# Case and journal numbers: alphanumeric groups joined by . - / (or an en
# dash) that start with a digit or a short letter code directly followed by
# digits: 27.69.48-P35-1-21, EMN-2025-008308, 12/27845, 2011-29298. Requiring
# that start keeps URL paths and "og/eller" out and lets the regex give up
# early on ordinary words.
_CASE_NUMBER = (
    rf"(?<![\w./\-–])(?:\d{_ALNUM}*|[a-zæøå]{{1,6}}(?=[./\-–]\d))(?:[./\-–]{_ALNUM}+)+{_ID_END}"
)
# § references: "§ 85", "§85", "§ 85 a", "§§ 103 og 104", "paragraf 85". A
# letter after a space is an inserted paragraph ("§ 81 a"), except "i", which
# is nearly always the preposition ("§ 85 i serviceloven").
_PARAGRAPH_ITEM = r"\d+(?:[a-zæøå]|\s(?!i\b)[a-zæøå])?(?![\wæøå])"
_PARAGRAPH = (
    r"(?P<sign>§§?|\bparagraf(?:ferne|fer|fen)?\b)\s*"
    rf"(?P<numbers>{_PARAGRAPH_ITEM}(?:\s*(?:,|og|-|–|til)\s*{_PARAGRAPH_ITEM})*)"
)
_YEAR = rf"(?<![\w./\-–])(?:19|20)\d\d{_ID_END}"
_IDENTIFIER = re.compile(rf"{_PARAGRAPH}|(?P<case>{_CASE_NUMBER})|(?P<year>{_YEAR})", re.IGNORECASE)
_PARAGRAPH_NUMBER = re.compile(r"(\d+)((?:[a-zæøå]|\s(?!i\b)[a-zæøå])?)(?![\wæøå])", re.IGNORECASE)
_KLE_HEAD = re.compile(r"^\d\d\.\d\d\.\d\d(?=-)")


def _identifier_spans(text: str, expand: bool, keyed: bool = False) -> Iterator[tuple[str, int, int]]:
    """(token, start, end) of every identifier in ``text``, lowercased.

    With ``expand`` (index time) a KLE case number also yields its KLE code,
    so "27.69.48" finds "27.69.48-P35-1-21", and every case number also yields
    its spelling-free key ("#2025-9242", `extract.case_key`); with ``keyed``
    (query time) a case number yields only that key, so "EMN 2025 9242" and
    "emn-2025-009242" meet. A query never expands.
    """
    for match in _IDENTIFIER.finditer(text):
        if match["sign"]:
            yield from _paragraph_tokens(match)
        elif match["case"]:
            token = match["case"].lower().replace("–", "-")
            key = case_key(token)
            if keyed and key:  # a query asks for the spelling-free key only
                yield f"#{key}", match.start(), match.end()
                continue
            yield token, match.start(), match.end()
            if key and expand:
                yield f"#{key}", match.start(), match.end()
            head = _KLE_HEAD.match(token) if expand else None
            if head:
                yield head.group(0), match.start(), match.start() + head.end()
                yield f"#{case_key(head.group(0))}", match.start(), match.start() + head.end()
        else:
            yield match["year"], match.start(), match.end()


def _paragraph_tokens(match: re.Match[str]) -> Iterator[tuple[str, int, int]]:
    """"§§ 103 og 104" → "§103", "§104"; a single § takes only its first number."""
    several = match["sign"] == "§§" or match["sign"].lower().startswith("paragraffer")
    offset = match.start("numbers")
    for number in _PARAGRAPH_NUMBER.finditer(match["numbers"]):
        token = "§" + number.group(1) + number.group(2).strip().lower()
        yield token, match.start(), offset + number.end()
        if not several:
            break


def extract_identifiers(text: str) -> list[str]:
    """The identifiers a query (or any text) contains, each once, as the ids field holds them.

    For the search layer: run this on the *raw* query string before splitting
    it into words (whitespace splitting would separate "§" from "85"), and add
    ``Term("ids", token)`` for each result, OR-ed with the text query and
    boosted so that an exact case-number hit ranks first. Ordinary words give
    no identifiers, so a plain-word query adds nothing.
    """
    return list(dict.fromkeys(token for token, _, _ in _identifier_spans(text, expand=False)))


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
            spans = _identifier_spans(value, expand=mode != "query", keyed=mode == "query")
        else:
            spans = [(value.strip().lower(), 0, len(value))]
        numbered = ((pos, text, start, end) for pos, (text, start, end) in enumerate(spans))
        yield from _fill_tokens(token, numbered, value, keeporiginal, start_pos, start_char)


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


@lru_cache(maxsize=_WORD_CACHE)
def _normalised(raw: str) -> str:
    """`normalise_word`, cached: the phrase pairs normalise every word of every text."""
    return normalise_word(raw)


@lru_cache(maxsize=_WORD_CACHE)
def _indexable(raw: str) -> str | None:
    """The normalised word, or None for a stop word."""
    word = normalise_word(raw)
    return None if word in STOP_WORDS else word


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


# --- analyzers -----------------------------------------------------------------------------------


def _word_tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


def _stemming_pipeline() -> CompositeAnalyzer:
    return CompositeAnalyzer(
        _word_tokenizer(),
        DanishNormalizeFilter(),
        StemFilter(stemfn=stem_word, cachesize=_WORD_CACHE),
    )


# (text, its stems, its normalised words small words included): the last text
# indexed in this process. Whoosh indexes a document's fields in name order,
# so "body" is analysed right before "body_pairs" and the pairs replay it.
_LAST_STEMS: list[Any] = [None, (), ()]


def _index_words(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stems, normalised words) of a text at index time, computed once per text:
    exactly what the stemming pipeline yields, and every word for the pairs."""
    if _LAST_STEMS[0] is value:
        return _LAST_STEMS[1], _LAST_STEMS[2]
    words = tuple(_normalised(match.group()) for match in _WORD_RE.finditer(value))
    stems = tuple(_stem_cached(word) for word in words if len(word) >= 2 and word not in STOP_WORDS)
    _LAST_STEMS[0], _LAST_STEMS[1], _LAST_STEMS[2] = value, stems, words
    return stems, words


_WORD_RE = re.compile(WORD_PATTERN)


@lru_cache(maxsize=_WORD_CACHE)
def _stem_cached(word: str) -> str:
    return stem_word(word)


class _ReplayedWords(Tokenizer):
    """A word pipeline whose plain index-time output comes from `_index_words`
    (one pass per text for the stemmed and the phrase fields); anything else
    (queries, highlighting with offsets) runs `self.pipeline` as usual."""

    pipeline: CompositeAnalyzer

    def replayed(self, value: str) -> tuple[str, ...]:
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
        for text in self.replayed(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            yield token


class StemmedWords(_ReplayedWords):
    """The Danish word pipeline (tokenise, normalise, drop stop words, stem).

    The index build reads each text once (`_index_words`) for both its
    stemmed field and its phrase-pair field, which follows it in Whoosh's
    field order; the pairs then cost their postings only."""

    def __init__(self) -> None:
        self.pipeline = _stemming_pipeline()

    def replayed(self, value: str) -> tuple[str, ...]:
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


class LemmaWords(_ReplayedWords):
    """The words of a text as dictionary entries, stop words dropped (the `lemmas` field)."""

    def __init__(self) -> None:
        self.pipeline = CompositeAnalyzer(_word_tokenizer(), DanishNormalizeFilter(), LemmaFilter())

    def replayed(self, value: str) -> tuple[str, ...]:
        return tuple(lemma_word(w) for w in _index_words(value)[1] if len(w) >= 2 and w not in STOP_WORDS)


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

    def replayed(self, value: str) -> tuple[str, ...]:
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
    for token in spelling_analyzer()(text):
        yield token.text
