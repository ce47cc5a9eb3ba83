"""A real browser against the real server: Debian's headless Chromium, driven by Playwright.

The server is started the way `make run` starts it (`python -m webapp`, waitress)
on a free loopback port, against an index built from corpus/ with the indexer's
own CLI. A user's journey is then clicked through: search, narrow by a council
facet, open an item, follow its case number to the case page. Each step leaves a
screenshot in test-artefacts/browser/ (git-ignored) for a person to look at.

Needs the `playwright` Python package (the [test] extra) and Chromium at
/usr/bin/chromium (`apt-get install chromium`); Playwright's own browser
downloads are never used. Without either the tests skip, and `pytest -ra`
(the project's default) prints why.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTEFACTS = ROOT / "test-artefacts" / "browser"

STOKHOLTBUEN_TITLE = "Skærpet tilsyn for Stokholtbuen"
STOKHOLTBUEN_ITEM = "ballerup-socialudvalget-2025-05-06-referat-4"
STOKHOLTBUEN_CASE = "00.01.10-P35-3-24"
EXPECTED_TREATMENTS = [
    "11. marts 2025 – Socialudvalget",
    "23. april 2025 – Handicaprådet",
    "6. maj 2025 – Socialudvalget",
]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=da-DK",
]
TIMEOUT_MS = 10_000
SERVER_START_S = 30


def chromium_path() -> str | None:
    """Debian's Chromium (the path is fixed there), else one found on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web app exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"the web app did not answer on {url} within {SERVER_START_S} s:\n{log.read_text(errors='replace')}")


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright not installed (pip install -e '.[test]'): browser test skipped")
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not installed (apt-get install chromium): browser test skipped")
    return path


@pytest.fixture(scope="module")
def server(chromium, tmp_path_factory) -> str:
    """`python -m webapp` on a free loopback port, over a freshly built index of corpus/."""
    work = tmp_path_factory.mktemp("browser")
    index = work / "index"
    build = subprocess.run(
        [sys.executable, "-m", "indexer", "build", "--corpus", str(CORPUS), "--index", str(index)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr

    port = free_port()
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "webapp", "--index", str(index), "--corpus", str(CORPUS),
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/", process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser_context(chromium, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="da-DK",
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture()
def page(browser_context):
    """A fresh tab that fails the test on any console error or uncaught script error
    (a CSP violation, a missing stylesheet, a broken link to an asset)."""
    tab = browser_context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(
        f"console error: {message.text} ({message.location.get('url', '?')})") if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield tab
    tab.close()
    assert not problems, problems


def shot(page, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=full_page)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def found(page) -> int:
    summary = page.locator("p.summary").inner_text()
    match = re.search(r"([\d.]+) punkte?r? fundet", summary)
    assert match, summary
    return int(match[1].replace(".", ""))


# --- the journey -------------------------------------------------------------------------------


def test_search_facet_item_and_case(page, server):
    # 1. The front page: type a word in the search box and submit with Enter.
    page.goto(server + "/")
    assert page.title().endswith("Rådsarkiv")
    shot(page, "01-forside")
    page.get_by_label("Søgeord").fill("tilsyn")
    page.get_by_label("Søgeord").press("Enter")
    page.wait_for_url(re.compile(r"/soeg\?q=tilsyn$"))
    all_hits = found(page)
    titles = page.locator("ol.results li.result h3 a").all_inner_texts()
    assert all_hits >= 2 and len(titles) == min(all_hits, 20)
    assert STOKHOLTBUEN_TITLE in titles
    shot(page, "02-soegning-tilsyn")

    # 2. Narrow by council: the facet link, then the filter shows as active.
    councils = page.get_by_role("navigation", name="Filtrér efter Råd og udvalg")
    councils.get_by_role("link", name=re.compile(r"^Socialudvalget\b")).click()
    page.wait_for_url(re.compile(r"council=Socialudvalget"))
    narrowed = found(page)
    assert 0 < narrowed < all_hits
    chip = page.locator("section.active-filters a.chip")
    assert chip.count() == 1 and "Socialudvalget" in chip.inner_text()
    selected = page.locator('nav.facet a[aria-current="true"]')
    assert selected.count() == 1 and selected.inner_text().strip().startswith("Socialudvalget")
    meetings = page.locator("ol.results p.meta a[href^='/moede/']").all_inner_texts()
    assert len(meetings) == narrowed and all(text.startswith("Socialudvalget") for text in meetings), meetings
    shot(page, "03-filter-socialudvalget")

    # 3. Open the item.
    page.locator("ol.results h3 a", has_text=STOKHOLTBUEN_TITLE).click()
    page.wait_for_url(f"**/punkt/{STOKHOLTBUEN_ITEM}")
    assert STOKHOLTBUEN_TITLE in page.locator("h1").inner_text()
    assert "Taget til efterretning" in page.locator("section.decision").inner_text()
    shot(page, "04-punkt-stokholtbuen")

    # 4. Follow the case number to the case page: three treatments in date order.
    page.locator("dl.facts").get_by_role("link", name=STOKHOLTBUEN_CASE).click()
    page.wait_for_url(f"**/sag/{STOKHOLTBUEN_CASE}")
    assert STOKHOLTBUEN_CASE in page.locator("h1").inner_text()
    headings = [re.sub(r"\s+", " ", text).strip() for text in page.locator("li.treatment h3").all_inner_texts()]
    assert len(headings) == len(EXPECTED_TREATMENTS), headings
    for heading, expected in zip(headings, EXPECTED_TREATMENTS):
        assert heading.startswith(expected), (heading, expected)
    item_link = page.locator(f"li.treatment a[href='/punkt/{STOKHOLTBUEN_ITEM}']")
    assert item_link.count() >= 1
    shot(page, "05-sag-forloeb")


def test_council_page_to_a_person(page, server):
    """The council's people list leads to a person page with votes, joined spellings and a feed."""
    page.goto(server + "/raad/socialudvalget")
    page.locator("ul.people").get_by_role("link", name="Lolan Marianne Ottesen").click()
    page.wait_for_url("**/person/ballerup-lolan-marianne-ottesen")
    assert page.locator("h1").inner_text() == "Lolan Marianne Ottesen"
    assert page.locator("table.votes tbody tr").count() >= 1
    assert "Lolan Ottesen" in page.locator("p.note").inner_text()
    follow = page.get_by_role("link", name=re.compile(r"^Følg "))
    assert follow.get_attribute("href").endswith("/person/ballerup-lolan-marianne-ottesen.atom")
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    shot(page, "06-person")


def test_keyboard_skip_link_moves_focus_to_main(page, server):
    page.goto(server + "/soeg?q=tilsyn")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["skip-link", "Gå til indhold"], focused
    assert page.locator(".skip-link").is_visible()
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown on screen once focused
    shot(page, "06-tastatur-spring-til-indhold", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'indhold'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab lands inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('indhold').contains(document.activeElement)")


@pytest.mark.parametrize("path,name", [
    ("/soeg?q=tilsyn", "07-mobil-soegning"),
    (f"/punkt/{STOKHOLTBUEN_ITEM}", "08-mobil-punkt"),
    ("/moede/ballerup-socialudvalget-2025-05-06-referat", "09-mobil-moede"),
    ("/soeg?q=xyzxyz", "10-mobil-ingen-resultater"),
    ("/person/ballerup-lolan-marianne-ottesen", "11-mobil-person"),  # a vote table, joined spellings
])
def test_phone_width_has_no_sideways_scrolling(page, server, path, name):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + path)
    shot(page, name, full_page=False)  # the first screen, as a phone shows it
    assert no_horizontal_scroll(page), page.evaluate("document.documentElement.scrollWidth")


def test_phone_filters_are_reachable_from_the_top(page, server):
    """On a 390 px screen the filters are one button above the results (they were
    3,800 px down, below every result); opening it shows the facets, and a facet works."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/soeg?q=tilsyn")
    button = page.locator("label.facets-button")
    assert button.is_visible()
    box = button.bounding_box()
    first_result = page.locator("ol.results li").first.bounding_box()
    assert box["y"] < first_result["y"] and box["y"] < 844
    facet = page.locator("nav.facet a").first
    assert not facet.is_visible()
    button.click()
    assert facet.is_visible()
    shot(page, "11-mobil-filtre-aabne", full_page=False)
    facet.click()
    page.wait_for_load_state()
    assert "council=" in page.url or "year=" in page.url or "municipality=" in page.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/soeg?q=tilsyn")
    assert not page.locator("label.facets-button").is_visible() and page.locator("nav.facet a").first.is_visible()


# --- follow11: person record, case dossier and a feed, as a person sees (and prints) them ----------------


def test_person_page_prints_as_a_record(page, server):
    """The person page on screen and as paper: printed, the header, search box and
    "Følg" link are gone and the votes table is still there."""
    page.goto(server + "/person/ballerup-lolan-marianne-ottesen")
    assert page.locator("a.follow").is_visible()
    shot(page, "20-person")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("a.follow").is_visible() and not page.locator("form.header-search").is_visible()
    assert page.locator("table.votes tbody tr").count() >= 1
    shot(page, "21-person-udskrift")
    page.pdf(path=str(ARTEFACTS / "21-person-udskrift.pdf"))  # what "Gem som PDF" gives
    page.emulate_media(media="screen")


def test_case_dossier_in_date_order_and_on_paper(page, server):
    """From the case page to its dossier: every treatment in date order with its
    decision; printed without navigation, link addresses written out."""
    page.goto(server + f"/sag/{STOKHOLTBUEN_CASE}")
    page.get_by_role("link", name="Sagsdossier til udskrift").click()
    page.wait_for_url(f"**/sag/{STOKHOLTBUEN_CASE}/dossier")
    headings = page.locator("section.dossier-treatment h3").all_inner_texts()
    wanted = [re.sub(r" – ", " – ", t) for t in EXPECTED_TREATMENTS]
    found_order = [next(i for i, h in enumerate(headings) if w in h) for w in wanted]
    assert found_order == sorted(found_order), headings
    assert page.locator("section.dossier-treatment .decision").count() >= 1
    shot(page, "22-sag-dossier")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible() and not page.locator("nav.breadcrumb").is_visible()
    after = page.evaluate("""() => getComputedStyle(document.querySelector('section.dossier-treatment a[href^="/punkt/"]'), '::after').content""")
    assert re.search(r"<http://[^>]+/punkt/", after), after  # the whole address, printed
    shot(page, "23-sag-dossier-udskrift")
    page.pdf(path=str(ARTEFACTS / "23-sag-dossier.pdf"))
    page.emulate_media(media="screen")


# Chromium (since 2025) marks XSLT as deprecated and injects a warning banner into
# XSLT pages; the banner's own inline style and handler are refused by the site's
# CSP. Those refusals are the browser's, not the page's, and are the only
# console errors this test tolerates.
def test_feed_opened_in_the_browser_is_a_readable_page(browser_context, server):
    """The case's "Følg" link opens the feed; Chromium gets a Danish page with the
    feed's title and entries (rendered by the server: no XSLT, so no
    deprecation banner) instead of raw XML."""
    tab = browser_context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        tab.goto(server + f"/sag/{STOKHOLTBUEN_CASE}")
        href = tab.locator("a.follow").get_attribute("href")
        assert href == f"/sag/{STOKHOLTBUEN_CASE}.atom"
        response = tab.goto(server + href)
        assert response.headers["content-type"].startswith("text/html")  # a browser asked (Accept: text/html)
        assert tab.locator("h1").inner_text() == f"Rådsarkiv: sag {STOKHOLTBUEN_CASE}"
        assert tab.get_by_text("Sådan følger du med").is_visible()
        entry_links = tab.locator("li.feed-entry h3 a")
        assert entry_links.count() >= 1 and entry_links.first.get_attribute("href").startswith("http")
        assert "6. maj 2025" in tab.locator("li.feed-entry .meta").first.inner_text()
        shot(tab, "24-feed-sag")
    finally:
        tab.close()
    assert not problems, problems


def test_one_line_per_case_and_treated_by_both_bodies(page, server):
    """"Én linje pr. sag" folds a search into its cases, each with its bodies in
    date order and the latest outcome; "behandlet:" twice keeps the cases both
    bodies treated, shown as removable chips (issue 11)."""
    page.goto(server + "/soeg?q=tilsyn")
    items = found(page)
    page.get_by_role("navigation", name="Visning").get_by_role("link", name="Én linje pr. sag").click()
    page.wait_for_url(re.compile(r"group=case"))
    summary = page.locator("p.summary").inner_text()
    counted = re.search(r"(\d+) sager?(?: og (\d+) punkte?r? uden sagsnummer)? fundet \((\d+) matchende punkte?r?\)", summary)
    assert counted, summary
    assert int(counted[3]) == items
    lines = page.locator("ol.case-lines > li.case-line")
    assert lines.count() == int(counted[1]) + int(counted[2] or 0) <= items
    line = lines.filter(has=page.locator(f"h3 a[href='/sag/{STOKHOLTBUEN_CASE}']"))
    assert line.count() == 1
    steps = [re.sub(r"\s+", " ", text).strip() for text in line.locator("ol.steps li").all_inner_texts()]
    assert steps == ["Socialudvalget (henvist til), 11. marts 2025", "Handicaprådet (henvist til), 23. april 2025",
                     "Socialudvalget, 6. maj 2025"], steps
    assert "Taget til efterretning" in line.locator("p.outcome").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "12-soegning-en-linje-pr-sag")

    # Cases both the Handicapråd and the Socialudvalg treated, typed in the box; the view is kept.
    page.get_by_label("Søgeord").fill("behandlet:Handicaprådet behandlet:Socialudvalget")
    page.get_by_label("Søgeord").press("Enter")
    page.wait_for_url(re.compile(r"group=case"))
    chips = page.locator("section.active-filters a.chip")

    def chip_labels() -> list[str]:
        return sorted(text.split("×")[0].strip() for text in chips.all_inner_texts())

    assert chip_labels() == ["Behandlet af: Handicaprådet", "Behandlet af: Socialudvalget"]
    both = page.locator("ol.case-lines > li.case-line h3 a").all_inner_texts()
    assert len(both) == 2 and any(STOKHOLTBUEN_CASE in title for title in both), both
    shot(page, "13-behandlet-af-baade")
    chips.filter(has_text="Handicaprådet").click()
    page.wait_for_url(re.compile(r"group=case"))
    assert chip_labels() == ["Behandlet af: Socialudvalget"]
    assert page.locator("ol.case-lines > li.case-line").count() > len(both)
    page.locator(f"ol.case-lines h3 a[href='/sag/{STOKHOLTBUEN_CASE}']").click()
    page.wait_for_url(f"**/sag/{STOKHOLTBUEN_CASE}")
