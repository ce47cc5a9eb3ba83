"""The document formats a rendered meeting is written in: the plain-text
extraction layout of `corpus/` and a share as HTML (bench.generate's last step).
"""

from __future__ import annotations

import html

from .planner import Item

# Section headings the generator writes; the HTML writer turns exactly these into <h3>.
HEADINGS = frozenset({
    "Tidligere behandling", "Indhold", "Sammendrag", "Baggrund", "Sagsfremstilling", "Den videre proces",
    "Det videre forløb", "Yderligere deltagelse på mødet", "Økonomiske konsekvenser og finansiering", "Bilag",
    "Beslutningen træffes af", "Indstilling", "Beslutning", "Behandlingsforløb", "Tidligere udvalgsbeslutninger",
    "Resumé", "Budgetmæssige konsekvenser",
})

def toc_entry(title: str, page: int) -> str:
    """The extraction's TOC line: dot leaders, cut at ~97 characters."""
    entry = f"{title}....."
    if len(entry) > 97:
        entry = title[:97].rstrip()
    return f"{entry}\t{page}"


def text_document(title: str, header: list[str], rendered: list[tuple[Item, list[str]]]) -> str:
    parts = ["\n\n", title, "\n\n"]
    for line in header:
        parts += [line, "\n\n"]
    bodies = ["\n\n".join(blocks) for _, blocks in rendered]
    toc, page = [], 3
    for (item, _), text in zip(rendered, bodies):
        toc.append(toc_entry(item.title, page))
        page += 1 + len(text) // 2600
    parts += ["Indholdsfortegnelse\n\n", "\n".join(toc), "\n\n"]
    for (item, _), text in zip(rendered, bodies):
        parts.append(f"Punkt {item.number}: {item.title}\n\n")
        if text:
            parts += [text, "\n\n"]
    return "".join(parts).rstrip("\n") + "\n"


def html_document(title: str, header: list[str], rendered: list[tuple[Item, list[str]]]) -> str:
    """The same content as the text format, as a plain HTML5 page: <h1> for
    the meeting, <h2> per item, <h3> per section heading, <p> per block."""
    def esc(text: str) -> str:
        return html.escape(text, quote=False)

    out = ['<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n<title>', esc(title),
           "</title>\n</head>\n<body>\n<h1>", esc(title), "</h1>\n"]
    out += [f"<p>{esc(line)}</p>\n" for line in header]
    out.append("<nav>\n<p>Indholdsfortegnelse</p>\n<ul>\n")
    page = 3
    for item, blocks in rendered:
        out.append(f"<li>{esc(toc_entry(item.title, page))}</li>\n")
        page += 1 + sum(len(b) for b in blocks) // 2600
    out.append("</ul>\n</nav>\n")
    for item, blocks in rendered:
        out.append(f"<section>\n<h2>{esc(f'Punkt {item.number}: {item.title}')}</h2>\n")
        for block in blocks:
            if block in HEADINGS:
                out.append(f"<h3>{esc(block)}</h3>\n")
            else:
                out.append(f"<p>{esc(block).replace(chr(10), '<br>' + chr(10))}</p>\n")
        out.append("</section>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


