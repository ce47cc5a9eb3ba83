"""KLE titles: the subject classification behind case numbers, from a file the user names.

KLE (Kommunernes Landsforenings Emnesystematik) gives every case number its
subject: `27.69.48-P35-1-21` is hovedgruppe 27 (Social service), gruppe 27.69
(Retssikkerhed), emne 27.69.48 (Handicapråd). KL publishes it freely; the
project ships no copy and works without one. Two formats are read:

* KL's XML emneplan (format 2.0: `Hovedgruppe`/`Gruppe`/`Emne` with `…Nr` and
  `…Titel`; expired entries carry "[udgået]" in the title);
* OS2KLE's text list, one emne a line: `KLENummer='..':KLETitel='..':…`.

Several files may be given; a later file's title wins for a code both have,
so the newer OS2KLE list given after the 2015 plan keeps the plan's
hovedgruppe and gruppe titles and updates the emner.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["KleTitles", "load_kle"]

_OS2KLE_LINE = re.compile(r"KLENummer='(?P<code>\d\d(?:\.\d\d){0,2})':KLETitel='(?P<title>[^']*)'")
_CODE = re.compile(r"^\d\d(?:\.\d\d){0,2}$")
_LEVELS = ("Hovedgruppe", "Gruppe", "Emne")


class KleFileError(ValueError):
    """A KLE file that cannot be read, with the file and the reason."""


@dataclass
class KleTitles:
    """Code ("27", "27.69", "27.69.48") → title."""

    titles: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.titles)

    def title(self, code: str) -> str | None:
        return self.titles.get(code)

    def label(self, code: str) -> str:
        """ "27.69" → "27.69 Retssikkerhed"; a code without a title stays itself."""
        title = self.titles.get(code)
        return f"{code} {title}" if title else code

    def codes_matching(self, words: str) -> list[str]:
        """Codes whose title holds every word typed ("retssikkerhed", "handicap råd")."""
        wanted = [w for w in words.casefold().split() if w]
        if not wanted:
            return []
        return sorted(code for code, title in self.titles.items() if all(w in title.casefold() for w in wanted))


def _xml_titles(path: Path) -> Iterator[tuple[str, str]]:
    try:
        for _, element in ElementTree.iterparse(path):
            tag = element.tag
            for level in _LEVELS:
                if tag == level:
                    number = (element.findtext(f"{level}Nr") or "").strip()
                    title = (element.findtext(f"{level}Titel") or "").strip()
                    if _CODE.match(number) and title:
                        yield number, title
                    element.clear()
    except ElementTree.ParseError as error:
        raise KleFileError(f"{path}: not a readable KLE XML file ({error})") from None


def _text_titles(path: Path) -> Iterator[tuple[str, str]]:
    for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        match = _OS2KLE_LINE.search(line)
        if match and match["title"].strip():
            yield match["code"], match["title"].strip()


def load_kle(paths: Iterable[Path | str]) -> KleTitles:
    """The titles of the given KLE files (XML emneplan or OS2KLE text), later files winning."""
    titles: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise KleFileError(f"{path}: KLE file not found")
        head = path.read_bytes()[:200].lstrip()
        found = dict(_xml_titles(path) if head.startswith(b"<") else _text_titles(path))
        if not found:
            raise KleFileError(f"{path}: no KLE codes with titles in it")
        titles.update(found)
    return KleTitles(titles)
