"""Institutions: a per-municipality gazetteer plus names found by pattern.

The gazetteer (`corpus/<municipality>/institutions.tsv`: name, kind, aliases)
is data, so archivists extend it without touching code. Names the parser
discovers from the text's own patterns ("Botilbuddet Rødbo", the first column
of a tilsyn table) are added even when the gazetteer does not know them, and
mapped to the gazetteer's canonical name when an alias matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

GAZETTEER_FILE = "institutions.tsv"

# Kind words that introduce an institution name: "Botilbuddet Rødbo".
KIND_WORDS = (
    r"(?:[Bb]otilbud(?:det)?|[Bb]ofællesskab(?:et|erne)?|[Hh]elhedstilbud(?:det)?|[Oo]pgangsfællesskab(?:et)?"
    r"|[Aa]flastningstilbud(?:det)?|[Pp]lejecent(?:er|ret)|[Dd]øgntilbud(?:det)?|[Vv]ærested(?:et)?"
    r"|[Bb]oenhed(?:en)?|[Bb]ocent(?:er|ret)|[Aa]utismecent(?:er|ret)\s+[A-ZÆØÅ]\w+\s+-?\s*afdeling)"
)
NAME = r"[A-ZÆØÅ][\wæøåÆØÅ-]+(?:\s(?:[A-ZÆØÅ][\wæøåÆØÅ-]+|[Bb]ygade|[Vv]ej))?"
DISCOVER = re.compile(rf"\b{KIND_WORDS}\s+(?P<name>{NAME})")
TABLE_HEADER = re.compile(r"^(?:Institution|Tilbud|Enhed)\t", re.M)
STOP_NAMES = {"Ballerup", "Kommune", "Socialtilsynet", "Den", "Det", "I", "Og"}


@dataclass
class Gazetteer:
    """Canonical names with their aliases, and one regex that finds any of them."""

    kinds: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # lowercased surface form → canonical
    pattern: re.Pattern[str] | None = None
    rows: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (name, kind, aliases) as written

    def add(self, name: str, kind: str = "", aliases: list[str] | None = None) -> None:
        self.rows.append((name, kind, tuple(a for a in aliases or () if a)))
        self.kinds[name] = kind
        for surface in [name, *(aliases or [])]:
            if surface:
                self.aliases[surface.lower()] = name
        self.pattern = None

    def compiled(self) -> re.Pattern[str] | None:
        if self.pattern is None and self.aliases:
            alternatives = sorted(self.aliases, key=len, reverse=True)
            self.pattern = re.compile(
                r"(?<![\wæøå])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\wæøå])",
                re.IGNORECASE,
            )
        return self.pattern

    def canonical(self, surface: str) -> str:
        return self.aliases.get(surface.lower(), surface)


def load_gazetteer(path: Path) -> Gazetteer:
    gazetteer = Gazetteer()
    if not path.is_file():
        return gazetteer
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        name = cells[0].strip()
        kind = cells[1].strip() if len(cells) > 1 else ""
        aliases = [a.strip() for a in cells[2].split(";")] if len(cells) > 2 else []
        gazetteer.add(name, kind, aliases)
    return gazetteer


@lru_cache(maxsize=256)
def gazetteer_for(folder: Path) -> Gazetteer:
    """The gazetteer of a municipality folder, read once per process."""
    return load_gazetteer(folder / GAZETTEER_FILE)


def _table_names(text: str) -> list[str]:
    """First cells of an institution table (tab-separated rows under a header
    such as "Institution\\tDato\\tVarsling")."""
    names: list[str] = []
    for header in TABLE_HEADER.finditer(text):
        for row in text[header.end():].split("\n")[1:]:
            if "\t" not in row:
                break
            cell = row.split("\t")[0].strip()
            if cell:
                names.append(cell)
    return names


def find_institutions(text: str, gazetteer: Gazetteer) -> list[str]:
    """Canonical names of the institutions an item's text mentions, in order of first mention."""
    found: dict[str, int] = {}

    def note(surface: str, position: int) -> None:
        name = gazetteer.canonical(surface.strip())
        if name.split()[0] in STOP_NAMES or len(name) < 3 or re.fullmatch(KIND_WORDS, name):
            return
        found.setdefault(name, position)

    pattern = gazetteer.compiled()
    if pattern:
        for match in pattern.finditer(text):
            note(match.group(0), match.start())
    for match in DISCOVER.finditer(text):
        surface = match.group(0)
        if surface.lower() in gazetteer.aliases:
            note(surface, match.start())
        else:
            note(match["name"], match.start("name"))
    for cell in _table_names(text):
        note(_strip_kind(cell, gazetteer), text.find(cell))
    return sorted(found, key=found.get)


def _strip_kind(cell: str, gazetteer: Gazetteer) -> str:
    if cell.lower() in gazetteer.aliases:
        return cell
    match = DISCOVER.match(cell)
    return match["name"] if match else cell
