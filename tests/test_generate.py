"""The benchmark generator: exact, deterministic, and shaped like the corpus.

A benchmark archive that drifts between runs, miscounts items or only looks
like minutes from afar measures the wrong thing, so these tests read the
generated files back the way a reader of the corpus would: headers, item
headings, case numbers, "Tidligere behandling" references and vote lines.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench import vocabulary
from bench.generate import HEADINGS, GenerationSummary, generate, main, world_shape

ITEMS = 3000
SEED = 7
MONTHS = vocabulary.MONTHS
WEEKDAYS = vocabulary.WEEKDAYS
CASE = re.compile(r"\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d+-\d{2}")
FILE_NAME = re.compile(r"(?P<body>[a-z0-9-]+)-(?P<date>\d{4}-\d\d-\d\d)-referat\.(?P<ext>txt|html)")
TXT_HEADER = re.compile(
    r"\A\n\nREFERAT (?P<council>.+) d\. (?P<d>\d\d)-(?P<m>\d\d)-(?P<y>\d{4})\n\n"
    r"Mødedato (?P<weekday>\w+) d\. (?P=d)\. (?P<month>\w+) (?P=y) kl\. \d\d:\d\d\n\n"
    r"Mødested \S.*\n\n"
)
ITEM_HEADING = re.compile(r"^Punkt (\d+): (.*)$", re.M)
VOTE = re.compile(r"^(For stemte|Imod stemte|Undlod af stemme): (\d+), (.+)\.$")


# --- reading the archive back -------------------------------------------------------


@dataclass
class Doc:
    path: Path
    municipality: str
    council: str
    date: date
    header: list[str]
    toc: list[str]
    items: list[tuple[int, str, list[str]]] = field(default_factory=list)


class _HTMLReader(HTMLParser):
    """Turns a generated HTML page back into header lines, TOC and item blocks,
    and checks that every element it opens is closed in order."""

    VOID = {"meta", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.title = ""
        self.header: list[str] = []
        self.toc: list[str] = []
        self.items: list[tuple[int, str, list[str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.text.append("\n")
        elif tag not in self.VOID:
            self.stack.append(tag)
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        text = "".join(self.text).replace("<br>", "")
        text = re.sub(r"\n\n", "\n", text)
        if tag == "h1":
            self.title = text
        elif tag == "h2":
            number, title = re.match(r"Punkt (\d+): (.*)", text).groups()
            self.items.append((int(number), title, []))
        elif tag in ("h3", "p") and "nav" not in self.stack:
            if self.items:
                self.items[-1][2].append(text)
            elif tag == "p":
                self.header.append(text)
        elif tag == "li":
            self.toc.append(text)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_doc(path: Path) -> Doc:
    match = FILE_NAME.fullmatch(path.name)
    assert match, path.name
    when = date.fromisoformat(match["date"])
    if match["ext"] == "html":
        source = path.read_text(encoding="utf-8")
        assert source.startswith('<!DOCTYPE html>\n<html lang="da">')
        reader = _HTMLReader()
        reader.feed(source)
        reader.close()
        assert not reader.stack, reader.stack
        council = re.fullmatch(r"REFERAT (.+) d\. \d\d-\d\d-\d{4}", reader.title).group(1)
        doc = Doc(path, path.parent.name, council, when, reader.header, reader.toc, reader.items)
    else:
        text = path.read_text(encoding="utf-8")
        header = TXT_HEADER.match(text)
        assert header, text[:300]
        assert date(int(header["y"]), int(header["m"]), int(header["d"])) == when
        assert header["weekday"] == WEEKDAYS[when.weekday()]
        assert header["month"] == MONTHS[when.month - 1]
        head, _, rest = text.partition("Indholdsfortegnelse\n\n")
        toc_text, _, _ = rest.partition("\n\nPunkt 1: ")
        parts = ITEM_HEADING.split(text)
        items = [
            (int(parts[i]), parts[i + 1], [b.strip("\n") for b in parts[i + 2].split("\n\n") if b.strip()])
            for i in range(1, len(parts), 3)
        ]
        doc = Doc(path, path.parent.name, header["council"], when, [b for b in head.split("\n\n") if b][1:],
                  toc_text.split("\n"), items)
    assert vocabulary.slugify(doc.council) == match["body"]
    return doc


def documents(root: Path) -> list[Doc]:
    return [read_doc(p) for p in sorted(root.glob("*/*-referat.*"))]


def section(blocks: list[str], heading: str) -> list[str]:
    """The blocks under `heading` up to the next section heading."""
    if heading not in blocks:
        return []
    start = blocks.index(heading) + 1
    end = next((i for i in range(start, len(blocks)) if blocks[i] in HEADINGS), len(blocks))
    return blocks[start:end]


def danish(when: date) -> str:
    return f"{when.day}. {MONTHS[when.month - 1]} {when.year}"


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("generated") / "archive"
    return out, generate(out, ITEMS, seed=SEED)


@pytest.fixture(scope="module")
def docs(archive) -> list[Doc]:
    return documents(archive[0])


# --- determinism and counts ---------------------------------------------------------------


def test_same_seed_gives_byte_identical_tree(archive, tmp_path):
    root, _ = archive
    again = tmp_path / "again"
    generate(again, ITEMS, seed=SEED)
    assert tree_hashes(again) == tree_hashes(root)


def test_parallel_writing_gives_the_same_tree(archive, tmp_path):
    root, _ = archive
    parallel = tmp_path / "parallel"
    generate(parallel, ITEMS, seed=SEED, jobs=2)
    assert tree_hashes(parallel) == tree_hashes(root)


def test_other_seed_gives_other_archive(archive, tmp_path):
    root, _ = archive
    other = tmp_path / "other"
    generate(other, ITEMS, seed=SEED + 1)
    mine, theirs = tree_hashes(root), tree_hashes(other)
    common = set(mine) & set(theirs) - {".bench-manifest.json"}
    assert mine != theirs
    assert sum(mine[name] != theirs[name] for name in common) > len(common) // 2


def test_item_count_is_exact(archive, docs):
    root, summary = archive
    assert summary.items == ITEMS
    headings = 0
    for path in root.glob("*/*-referat.txt"):
        headings += len(ITEM_HEADING.findall(path.read_text(encoding="utf-8")))
    for path in root.glob("*/*-referat.html"):
        headings += path.read_text(encoding="utf-8").count("<h2>")
    assert headings == ITEMS
    assert sum(len(doc.items) for doc in docs) == ITEMS


@pytest.mark.parametrize("items", [1, 7, 37, 1501])
def test_small_and_odd_counts_are_exact(items, tmp_path):
    summary = generate(tmp_path / "out", items, seed=3)
    assert summary.items == items
    assert sum(len(doc.items) for doc in documents(tmp_path / "out")) == items


def test_summary_describes_what_was_written(archive, docs):
    root, summary = archive
    files = [p for p in root.rglob("*") if p.is_file() and p.name != ".bench-manifest.json"]
    assert summary.files == len(files) + 1  # the manifest
    assert summary.meetings == len(docs)
    assert summary.municipalities == len({doc.municipality for doc in docs}) == 2
    assert summary.bytes == sum(p.stat().st_size for p in files)
    assert 0 < summary.html_documents < summary.meetings * 0.25
    assert summary.seconds > 0


def test_world_grows_in_municipality_years():
    assert world_shape(1) == (1, 1)
    assert world_shape(3_000) == (2, 1)
    assert world_shape(100_000) == (7, 10)
    assert world_shape(1_000_000) == (67, 10)


# --- layout ---------------------------------------------------------------------------------


def test_layout_and_headers(archive, docs):
    root, _ = archive
    assert {p.name for p in root.iterdir()} == {"ballerup", "ikast-brande", ".bench-manifest.json"}
    for folder in ("ballerup", "ikast-brande"):
        assert (root / folder / "institutions.tsv").is_file()
    for doc in docs:
        numbers = [number for number, _, _ in doc.items]
        assert numbers == list(range(1, len(numbers) + 1)), doc.path
        assert 1 <= len(numbers) <= 30, doc.path
        assert len(doc.toc) == len(numbers), doc.path
        for entry, (_, title, _) in zip(doc.toc, doc.items):
            shown, page = entry.rsplit("\t", 1)
            assert page.isdigit() and int(page) >= 3
            assert shown == f"{title}....." or title.startswith(shown), (entry, title)
        if doc.municipality == "ballerup":
            assert any(line.startswith("Mødedeltagere ") for line in doc.header), doc.path


def test_meetings_mostly_hold_8_to_20_items(docs):
    sizes = [len(doc.items) for doc in docs]
    assert sum(8 <= size <= 20 for size in sizes) >= 0.9 * len(sizes)


def test_items_carry_case_numbers_and_sections(docs):
    seen = Counter()
    for doc in docs:
        for _, title, blocks in doc.items:
            if not blocks or title in ("Godkendelse af dagsorden", "Eventuelt"):
                continue
            assert CASE.fullmatch(blocks[0]), (doc.path, title, blocks[:2])
            seen.update(b for b in blocks if b in HEADINGS)
    for heading in ("Sagsfremstilling", "Beslutning", "Indstilling", "Bilag", "Beslutningen træffes af",
                    "Økonomiske konsekvenser og finansiering", "Tidligere behandling", "Sammendrag",
                    "Behandlingsforløb", "Tidligere udvalgsbeslutninger", "Budgetmæssige konsekvenser"):
        assert seen[heading] > 0, heading


def test_ballerup_items_read_like_the_corpus(docs):
    blocks = [b for doc in docs if doc.municipality == "ballerup" for _, _, bs in doc.items for b in bs]
    assert any(re.fullmatch(r"\d+ bilag(,)? heraf \d+ anbefales\.?", b) for b in blocks)
    assert any(b.startswith("ANBEFALES ") for b in blocks)
    assert any(re.fullmatch(r"Center for .+ indstiller, at", b) for b in blocks)
    assert any(re.match(r"1\. .+ tages til efterretning\.$", b) for b in blocks)
    assert any(b.startswith("Afbud ") for b in blocks)
    assert any(b.startswith("Sagen blev drøftet med følgende bemærkninger:") for b in blocks)
    assert any(re.search(r"servicelovens § \d+", b) for b in blocks)


def test_ikast_brande_mirrors_its_own_layout(docs):
    ikast = [doc for doc in docs if doc.municipality == "ikast-brande"]
    assert {doc.council for doc in ikast} >= {"Byrådet", "Arbejdsmarkeds-, Psykiatri- og Handicapudvalget"}
    for doc in ikast:
        for _, title, blocks in doc.items:
            if title.startswith("Lukket:") or not blocks or blocks[1:2] != ["Beslutning"]:
                continue
            path = section(blocks, "Behandlingsforløb")
            assert f"{doc.council} {danish(doc.date)}" in path, (doc.path, title, path)
    blocks = [b for doc in ikast for _, _, bs in doc.items for b in bs]
    assert any(b.endswith("deltog ikke i sagens behandling pga. afbud.") for b in blocks)
    assert any(re.fullmatch(r"Direktøren for .+ indstiller, at|Kommunaldirektøren indstiller, at", b) for b in blocks)


def test_danish_letters_survive(archive):
    root, _ = archive
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(root.glob("*/*.txt"))[:40])
    for letter in "æøåÆØÅ":
        assert letter in text, letter
    assert "Økonomiske konsekvenser og finansiering" in text
    assert "Ã" not in text  # no double-encoded UTF-8


def test_wording_follows_the_corpus(docs):
    generated = Counter()
    for doc in docs[:60]:
        for _, _, blocks in doc.items:
            generated.update(vocabulary.words_of(" ".join(blocks)))
    corpus = vocabulary.load_model().word_counts
    top_generated = [w for w, _ in generated.most_common(100)]
    top_corpus = [w for w, _ in Counter(corpus).most_common(300)]
    assert sum(w in set(top_corpus[:200]) for w in top_generated) >= 75
    assert sum(w in corpus for w in top_generated) >= 95
    assert sum(w in generated for w in top_corpus) >= 270


# --- cases, votes, closed items ----------------------------------------------------------------


def test_cases_travel_through_bodies_with_tidligere_behandling(archive, docs):
    _, summary = archive
    treatments: dict[tuple[str, str], list[tuple[date, str, int, str]]] = defaultdict(list)
    for doc in docs:
        for number, title, blocks in doc.items:
            if not blocks or not CASE.fullmatch(blocks[0]):
                continue
            refs = section(blocks, "Tidligere behandling") + section(blocks, "Tidligere udvalgsbeslutninger")
            treatments[(doc.municipality, blocks[0])].append((doc.date, doc.council, number, "\n".join(refs)))
    multi = {key: sorted(steps) for key, steps in treatments.items() if len({c for _, c, _, _ in steps}) >= 2}
    assert len(multi) == summary.cases_multi_body > 100
    lengths = Counter(len(steps) for steps in multi.values())
    assert lengths[2] and lengths[3] and lengths[4], lengths
    for (municipality, case), steps in multi.items():
        assert len({c for _, c, _, _ in steps}) == len(steps), (case, steps)
        for index, (when, council, _, refs) in enumerate(steps):
            assert index == 0 or when > steps[index - 1][0]
            for earlier_date, earlier_council, earlier_number, _ in steps[:index]:
                line = rf"^{re.escape(earlier_council)} den {re.escape(danish(earlier_date))},? [Pp]unkt {earlier_number}$"
                assert re.search(line, refs, re.M), (municipality, case, council, refs)


def test_a_case_reaches_the_council_through_the_finance_committee(docs):
    routes = defaultdict(list)
    for doc in docs:
        for _, _, blocks in doc.items:
            if blocks and CASE.fullmatch(blocks[0]):
                routes[(doc.municipality, blocks[0])].append((doc.date, doc.council))
    paths = {tuple(c for _, c in sorted(steps)) for steps in routes.values() if len(steps) > 1}
    assert ("Handicaprådet", "Socialudvalget", "Økonomiudvalget", "Kommunalbestyrelsen") in paths
    assert any(path[-2:] == ("Økonomi- og Planudvalget", "Byrådet") for path in paths)


def test_votes_are_counted_and_named(docs):
    votes = 0
    for doc in docs:
        for _, _, blocks in doc.items:
            for block in blocks:
                match = VOTE.match(block)
                if match:
                    votes += 1
                    names = re.findall(r"[^,]+? \([^()]+\)", match[3])
                    assert int(match[2]) == len(names), block
    assert votes > 20


def test_closed_items_are_present_in_both_layouts(docs):
    for municipality in ("ballerup", "ikast-brande"):
        closed = [(doc, title, blocks) for doc in docs if doc.municipality == municipality
                  for _, title, blocks in doc.items if title.startswith("Lukket: ")]
        assert closed, municipality
        for _, _, blocks in closed:
            assert len(blocks) <= 1 and all(CASE.fullmatch(b) for b in blocks)


def test_html_share_can_be_switched_off(tmp_path):
    summary = generate(tmp_path / "plain", 400, seed=2, html_share=0.0)
    assert summary.html_documents == 0
    assert not list((tmp_path / "plain").glob("*/*.html"))
    summary = generate(tmp_path / "web", 400, seed=2, html_share=1.0)
    assert summary.html_documents == summary.meetings


# --- the command line ------------------------------------------------------------------------


def test_cli_prints_summary_and_reruns_into_its_own_output(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["--items", "250", "--seed", "5", str(out)]) == 0
    first = tree_hashes(out)
    assert main(["--items", "250", "--seed", "5", str(out)]) == 0  # an earlier run's folder is replaced
    assert tree_hashes(out) == first
    printed = capsys.readouterr().out
    assert "items=250" in printed and "municipalities=1" in printed


def test_cli_refuses_a_foreign_folder(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["--items", "10", str(foreign)])
    assert (foreign / "precious.txt").read_text(encoding="utf-8") == "keep me"


# --- the real ingest path, when it exists ------------------------------------------------------


def test_the_ingest_path_reads_generated_documents(archive, docs):
    """Both formats through the real readers and parser: item numbers, case
    numbers, votes and prior treatments come back as written."""
    ingest_module = pytest.importorskip("indexer.ingest")
    root, _ = archive
    chosen = docs[::7] + [doc for doc in docs if doc.path.suffix == ".html"][:4]
    by_path = {doc.path.resolve(): doc for doc in chosen}
    results = list(ingest_module.ingest(root, paths=[doc.path for doc in chosen]))
    failures = [str(r) for r in results if not isinstance(r, ingest_module.Ingested)]
    assert not failures, failures
    formats, priors, votes = Counter(), 0, 0
    for result in results:
        meeting = result.meeting
        doc = next(d for path, d in by_path.items() if str(path).endswith(result.path.split("/", 1)[-1]))
        formats[doc.path.suffix] += 1
        assert meeting.council == doc.council
        assert meeting.date == doc.date.isoformat()
        assert [item.number for item in meeting.items] == [number for number, _, _ in doc.items], doc.path
        for item, (_, title, blocks) in zip(meeting.items, doc.items):
            if blocks and CASE.fullmatch(blocks[0]):
                assert item.case_number == blocks[0], (doc.path, title)
            vote = next((VOTE.match(b) for b in blocks if b.startswith("For stemte")), None)
            if vote:
                votes += 1
                assert item.votes is not None and item.votes.counts.get("for") == int(vote[2]), (doc.path, title)
            listed = section(blocks, "Tidligere behandling") + section(blocks, "Tidligere udvalgsbeslutninger")
            for line in listed:
                match = re.match(r"(.+?) den (\d+)\. (\w+) (\d{4}),? [Pp]unkt \d+$", line)
                if match:
                    priors += 1
                    when = date(int(match[4]), MONTHS.index(match[3]) + 1, int(match[2])).isoformat()
                    assert (match[1], when) in {(t.council, t.date) for t in item.prior_treatments}, (doc.path, line)
    assert formats[".txt"] and formats[".html"]
    assert priors > 10 and votes > 0
