"""Text repair applied by every reader before text reaches the structure parser.

Extractions of council minutes (web pages, PDFs, Word exports) carry the same
kinds of debris again and again; the seed corpus shows each of them:

* Cyrillic letters inside Danish words ("Magleмосen"), which break search
  because the indexed word is no longer "Maglemosen";
* a non-breaking space that went through a wrong encoding and came back as a
  lone "Å"/"Â": whole lines of just "Å", "Serviceoven.Å", and "Å§ 95" for
  "§ 95";
* characters the exporter could not encode, replaced by "?": lines of just
  "?", "kapacitetsudnyttelse.??", "emner:?", "?Sagen forelægges ...";
* invisible characters (soft hyphens, zero-width spaces, BOMs) and odd spaces
  (NBSP, narrow NBSP) that split words or hide them from the tokenizer;
* and, in the same family, UTF-8 read as cp1252 ("Ã¸" for "ø"), C1 control
  characters from cp1252 read as latin-1, PDF ligatures ("ﬁ") and
  Symbol-font bullets in the Private Use Area.

Every rule is written so that it cannot fire on legitimate Danish text: the
junk rules only touch characters that stand alone on a line or are glued to
sentence punctuation, and Cyrillic/Greek letters are only mapped inside words
that are mostly Latin, so a genuinely Cyrillic word stays.

It runs on files of tens of megabytes, so every pass is either a C-level
string operation (``in``, ``replace``, ``find``, ``count``) or a precompiled
pattern guarded by a cheap "is there anything to do" check; Python-level
work happens only at the (rare) places that need repair.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

__all__ = ["repair_text"]

# --- encoding accidents ----------------------------------------------------

# cp1252 characters for bytes 0x80-0x9F. Unicode C1 controls in text almost
# always mean "cp1252 bytes decoded as latin-1".
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="replace")

# UTF-8 continuation bytes (0x80-0xBF) as they look after a cp1252 or latin-1
# misdecode.
_CONTINUATION = "".join(
    sorted({c for c in _CP1252_HIGH if c != "\ufffd"} | {chr(b) for b in range(0x80, 0xC0)})
)
_CONT = "[" + re.escape(_CONTINUATION) + "]"
# Only the lead bytes of Danish mojibake: C2/C3 ("Â", "Ã": the Latin-1 range
# with æøå§é) and E2 ("â": typographic quotes and dashes). Other leads such
# as C5 ("Å") would misfire on real text like 'Vejle Å”'.
_MOJIBAKE = re.compile(f"[\u00c2\u00c3]{_CONT}|\u00e2{_CONT}{{2}}")


def _unmojibake_one(match: re.Match[str]) -> str:
    """Re-decode one UTF-8-read-as-cp1252 sequence, or leave it as it was."""
    chunk = match.group()
    raw = bytearray()
    for ch in chunk:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            raw += ch.encode("latin-1")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return chunk
    # A C1 control is no better than what was there: not a real repair.
    if any(0x80 <= ord(ch) < 0xA0 for ch in decoded):
        return chunk
    return "".join(_CHAR_MAP.get(ch, ch) for ch in decoded)


def _fix_encoding_debris(text: str) -> str:
    """Fix "Å§"/"Â§" and UTF-8-read-as-cp1252 until nothing changes.

    One repair can expose another ("ÃÂ§" → "Ã§" → "ç"), so this loops; each
    round only shortens the text, and plain text leaves after one cheap check.
    """
    for _ in range(8):
        before = text
        while "\u00c5\u00a7" in text or "\u00c2\u00a7" in text:  # "Å§ 95" → "§ 95"
            text = text.replace("\u00c5\u00a7", "\u00a7").replace("\u00c2\u00a7", "\u00a7")
        if "\u00c3" in text or "\u00c2" in text or "\u00e2" in text:
            text = _MOJIBAKE.sub(_unmojibake_one, text)
        if text == before:
            break
    return text


def _settle(text: str) -> str:
    """Encoding debris and NFC to a fixed point: NFC can create "Å§", a repair can need NFC."""
    for _ in range(8):
        before = text
        text = _fix_encoding_debris(text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if text == before:
            break
    return text


# --- single characters -----------------------------------------------------


def _build_char_map() -> dict[str, str]:
    """Characters that are always debris, and what each becomes ("" = drop)."""
    mapping: dict[str, str] = {}
    for cp in range(0x00, 0x20):  # C0 controls except tab and newline
        if chr(cp) not in "\t\n":
            mapping[chr(cp)] = ""
    mapping["\x7f"] = ""
    for ch in "\f\v\u2028\u2029":  # page and paragraph separators
        mapping[ch] = "\n"
    for offset, ch in enumerate(_CP1252_HIGH):  # C1 controls → cp1252 meaning
        mapping[chr(0x80 + offset)] = "" if ch == "\ufffd" else ch
    invisible = (
        "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
        "\ufeff\ufffe\uffff"
        + "".join(chr(cp) for cp in range(0x202A, 0x202F))
        + "".join(chr(cp) for cp in range(0x2066, 0x206A))
    )
    for ch in invisible:
        mapping[ch] = ""
    for ch in "\u00a0\u1680\u202f\u205f\u3000" + "".join(chr(cp) for cp in range(0x2000, 0x200B)):
        mapping[ch] = " "
    mapping.update({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                    "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
    # Symbol/Wingdings bullets from Word PDFs sit in the Private Use Area. The
    # corpus writes list items as "- ...", so these become "-".
    for cp in (0xF02D, 0xF06E, 0xF076, 0xF0A7, 0xF0A8, 0xF0B7, 0xF0D8, 0xF0E0, 0xF0FC):
        mapping[chr(cp)] = "-"
    return mapping


_CHAR_MAP = _build_char_map()
_CHAR_CLASS = re.compile("[" + re.escape("".join(sorted(_CHAR_MAP))) + "]+")


def _map_chars(match: re.Match[str]) -> str:
    return "".join(_CHAR_MAP[ch] for ch in match.group())


# --- Cyrillic/Greek letters inside Latin words -----------------------------

# Each foreign letter with its Latin readings, the look-alike first. Several
# letters have two readings (Cyrillic "с" looks like "c" but is an "s"); the
# document itself decides between them, see _best_reading.
_READINGS: dict[str, str] = {
    # Cyrillic lower case
    "а": "a", "б": "b", "в": "vb", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i",
    "к": "k", "л": "l", "м": "m", "н": "nh", "о": "o", "п": "pn", "р": "pr", "с": "cs",
    "т": "t", "у": "yu", "ф": "f", "х": "xh", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d",
    "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    # Cyrillic upper case
    "А": "A", "Б": "B", "В": "BV", "Г": "G", "Д": "D", "Е": "E", "З": "Z", "И": "I",
    "К": "K", "Л": "L", "М": "M", "Н": "HN", "О": "O", "П": "P", "Р": "PR", "С": "CS",
    "Т": "T", "У": "YU", "Ф": "F", "Х": "XH", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ӏ": "I",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u",
}
_FOREIGN_RUN = re.compile("[\u0370-\u03ff\u0400-\u052f]+")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_MAX_READINGS = 64


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to the whole word it sits in."""
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    return start, end


def _occurs_as_word_start(text: str, word: str) -> int:
    """How often ``word`` starts a word in ``text`` (capped; only existence matters much)."""
    hits, pos = 0, text.find(word)
    while pos != -1 and hits < 50:
        if pos == 0 or not _is_word_char(text[pos - 1]):
            hits += 1
        pos = text.find(word, pos + 1)
    return hits


def _best_reading(word: str, text: str) -> str | None:
    """The Latin spelling of a mixed word, or None when it should stay as is.

    A word with no Latin letters, or more foreign than Latin letters, is a
    genuine Cyrillic/Greek word; so is one holding a letter without a Latin
    twin. Among several possible readings the one the document itself uses
    elsewhere wins ("Maglemosen" appears in plain Latin in the same minutes),
    then the one whose letters-around-the-change occur most in the document,
    then the look-alike reading.
    """
    foreign = [i for i, ch in enumerate(word) if "\u0370" <= ch <= "\u052f"]
    if any(word[i] not in _READINGS for i in foreign):
        return None
    latin = len(_LATIN_LETTER.findall(word))
    if latin == 0 or latin < len(foreign):
        return None
    choices = [_READINGS[word[i]] for i in foreign]
    combos = 1
    for options in choices:
        combos *= len(options)
    if combos == 1 or combos > _MAX_READINGS:
        return _spell(word, foreign, [options[0] for options in choices])
    best, best_score = "", (-1, -1)
    for picked in itertools.product(*choices):
        candidate = _spell(word, foreign, list(picked))
        windows = sum(text.count(candidate[max(0, i - 2): i + 3]) for i in foreign)
        score = (_occurs_as_word_start(text, candidate), windows)
        if score > best_score:  # strict: ties keep the earlier, look-alike reading
            best, best_score = candidate, score
    return best


def _spell(word: str, positions: list[int], letters: list[str]) -> str:
    chars = list(word)
    for i, letter in zip(positions, letters):
        chars[i] = letter
    return "".join(chars)


def _fix_mixed_words(text: str) -> str:
    """Replace every mostly-Latin word that holds Cyrillic/Greek look-alikes."""
    pieces: list[str] = []
    done = 0
    cache: dict[str, str | None] = {}
    for match in _FOREIGN_RUN.finditer(text):
        if match.start() < done:
            continue
        start, end = _word_around(text, match.start(), match.end())
        word = text[start:end]
        if word not in cache:
            cache[word] = _best_reading(word, text)
        fixed = cache[word]
        if fixed is not None:
            pieces.append(text[done:start])
            pieces.append(fixed)
            done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# --- junk characters on lines ----------------------------------------------

# Lines holding only whitespace (they become empty lines), or nothing but one
# to three junk characters (they are dropped): mangled NBSPs ("Å", "Â"),
# unencodable characters ("?", U+FFFD), an empty placeholder (".") and boxes
# for missing glyphs. The pattern starts with a literal newline so the scan
# is fast; repair_text keeps the text wrapped in newlines while it runs, so
# the first and last lines are covered too.
_DEBRIS_LINE = re.compile(
    "\n(?:([ \t]+)|[ \t]*[\u00c5\u00c2?.\ufffd\u25a1\u25af]{1,3}[ \t]*)(?=\n)"
)


def _debris_line(match: re.Match[str]) -> str:
    return "\n" if match.group(1) else ""


_SENTENCE_PUNCT = ".,;:"


def _ends_line(text: str, pos: int) -> bool:
    """True when only spaces or tabs follow ``pos`` up to the end of its line."""
    eol = text.find("\n", pos)
    rest = text[pos:] if eol == -1 else text[pos:eol]
    return not rest.strip(" \t")


def _drop_glued_junk(text: str, junk: str, *, mid_line: bool, opens_line: bool) -> str:
    """Remove ``junk`` where it is glued to sentence punctuation or opens a line.

    "tilbuddene.?" → "tilbuddene.", "emner:?" → "emner:", "Serviceoven.Å" →
    "Serviceoven." (``mid_line`` also allows "tilbuddene.? Næste"),
    "?Sagen" → "Sagen" (``opens_line``). A "?" that ends a question
    ("sammen?") is never touched: the character before it is a letter.
    """
    pieces: list[str] = []
    done = 0
    pos = text.find(junk)
    while pos != -1:
        end = pos + 1
        while text.startswith(junk, end):
            end += 1
        after = text[end] if end < len(text) else "\n"
        before = text[pos - 1] if pos > 0 else "\n"
        after_punct = before in _SENTENCE_PUNCT and (
            _ends_line(text, end) or (mid_line and after in " \t")
        )
        at_line_start = opens_line and before == "\n" and after.isalpha()
        if after_punct or at_line_start:
            pieces.append(text[done:pos])
            done = end
        pos = text.find(junk, end)
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# --- whitespace --------------------------------------------------------------


def _tidy_whitespace(text: str) -> str:
    """Collapse space runs, strip spaces at line ends, keep at most one blank line.

    Tabs separate table cells, so a trailing tab (an empty last cell) stays.
    """
    while "  " in text:
        text = text.replace("  ", " ")
    text = text.replace(" \n", "\n")  # runs are single spaces by now
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def repair_text(text: str) -> str:
    """Return ``text`` with extraction debris removed and Unicode normalised (NFC).

    Line endings become "\\n"; blocks stay separated by exactly one blank
    line and the result has no leading or trailing blank lines. Idempotent:
    repairing repaired text changes nothing.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _settle("\n" + text + "\n")  # wrapped in newlines: see _DEBRIS_LINE
    mapped = _CHAR_CLASS.sub(_map_chars, text)
    if mapped != text:  # a dropped control may have joined a UTF-8 pair or an accent
        text = _settle(mapped)
    fixed = _fix_mixed_words(text)
    if fixed is not text:  # a mapped letter may now compose with a following accent
        text = _settle(fixed)
    if "?" in text:
        text = _drop_glued_junk(text, "?", mid_line=True, opens_line=True)
    if "\u00c5" in text:
        text = _drop_glued_junk(text, "\u00c5", mid_line=False, opens_line=False)
    text = _DEBRIS_LINE.sub(_debris_line, text)
    return _tidy_whitespace(text).strip("\n")
