"""Danish morphology: stems (Snowball with an override table) and compounds.

Stemming and compound splitting live together because each needs the other:
an override for a word's tail applies to the compounds that end in it
("tomgangsplads" → "tomgangs" + "plads"), and a split is accepted only when
its parts stem like the whole word's tail. See `indexer.analysis` for the
measurements of the cached per-word pipeline.
"""

from __future__ import annotations

import importlib.resources
import threading
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer
from whoosh.lang.stopwords import stoplists

from ..lexicon import Lexicon, load_lexicon

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


# --- stemming -----------------------------------------------------------------------------


def _read_overrides() -> dict[str, str]:
    """word → stem from data/stem_overrides.tsv (comments and blank lines skipped)."""
    data = importlib.resources.files("indexer").joinpath("data", "stem_overrides.tsv")
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


