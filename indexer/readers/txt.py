"""Plain-text reader: raw bytes → repaired text.

Danish minutes exported as text come in every encoding a municipality's
systems have produced over twenty years: UTF-8 with and without BOM, UTF-16
from Windows tools, cp1252 and latin-1 from older ones. Statistical detectors
guess wrong on short Danish texts (cp1252 "æøå" is often taken for another
code page), so the order here is deterministic and evidence-first:

1. a BOM names the encoding outright (UTF-32 before UTF-16: its BOM starts
   with the UTF-16 one);
2. UTF-16 without a BOM shows itself by NUL bytes in every other position;
3. otherwise NUL bytes or many control bytes mean binary content → error;
4. strict UTF-8: valid UTF-8 with non-ASCII bytes is practically never
   anything else;
5. cp1252 when it decodes and the result looks like text (a superset of
   latin-1 for printable characters, so latin-1 files with æøå land here too);
6. charset-normalizer only as a fallback for the rest (e.g. DOS cp850);
7. latin-1, which decodes any bytes, when the result still looks like text.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..repair import repair_text
from . import ReadError

__all__ = ["decode_bytes", "extract_text"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never occur in text (tab, newline, vertical tab, form
# feed, carriage return and escape are allowed).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\v\f\r\x1b")
_BINARY_REASON = "not valid text: binary content"
# cp1252 characters that are rare in real text; a "decoding" full of them is
# the wrong code page (DOS cp850 Danish "æøå" comes out as "‘›†").
_UNLIKELY_CP1252 = frozenset("ƒ†‡ˆ‰Š‹ŒŽ˜™š›œžŸ¤¦¨¬¯´¸¹¼½¾¿×÷")
# Below this share of ASCII characters a decoding is not Danish text (Danish
# prose is over 95 % ASCII); short strings are not judged by shares at all.
_MIN_ASCII_SHARE = 0.5
_MIN_SAMPLE_FOR_SHARES = 16


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from NUL bytes in the high half of ASCII characters."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) // 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) // 2)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 5 % of bytes being controls that text never holds."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(sample)


def _looks_like_text(text: str) -> bool:
    """Printable, mostly ASCII, and not dominated by characters only a wrong code page yields.

    Danish minutes are mostly ASCII letters, digits, spaces and punctuation
    whatever the code page they were saved in. Binary data without NUL bytes
    "decodes" in some code page all the same, as a run of CJK syllables
    (charset-normalizer's guess) or of Latin-1 letters (cp1252), and must not
    be indexed as a note full of garbage.
    """
    if not text:
        return True
    sample = text[:65536]
    unprintable = sum(1 for ch in sample if not ch.isprintable() and ch not in "\t\n\r\f\v")
    if unprintable > 0.01 * len(sample):
        return False
    if len(sample) >= _MIN_SAMPLE_FOR_SHARES and len(sample.encode("ascii", "ignore")) < _MIN_ASCII_SHARE * len(sample):
        return False
    non_ascii = [ch for ch in sample if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    unlikely = sum(1 for ch in non_ascii if ch in _UNLIKELY_CP1252 or 0x80 <= ord(ch) < 0xA0)
    return unlikely <= 0.2 * len(non_ascii)


def _charset_normalizer_guess(data: bytes) -> str | None:
    """Fallback detection; None when the library has no confident answer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode raw text bytes; raises ReadError for binary content."""
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise ReadError(path, f"not valid text: broken {encoding} ({error.reason})") from None
        if not _looks_like_text(text):
            raise ReadError(path, _BINARY_REASON)
        return text
    if _looks_binary(data):
        raise ReadError(path, _BINARY_REASON)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        if _looks_like_text(text):
            return text
    except UnicodeDecodeError:
        pass
    guessed = _charset_normalizer_guess(data)
    if guessed is not None and _looks_like_text(guessed):
        return guessed
    text = data.decode("latin-1")
    if _looks_like_text(text):
        return text
    raise ReadError(path, _BINARY_REASON)


def extract_text(data: bytes, path: Path) -> str:
    """Decoded and repaired text of a .txt file; empty or blank → ReadError."""
    text = repair_text(decode_bytes(data, path))
    if not text.strip():
        raise ReadError(path, "empty file")
    return text
