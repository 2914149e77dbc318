"""The Browser guide in the real Neo4j Browser: headless Chromium (Debian's, driven by
Playwright) logs in to the Neo4j the tests started, plays the guide that `custgraph serve`
serves from another origin, runs one slide's parameters and query, and sees a graph drawn."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from graph.analyst import analyst_queries
from graph.settings import Settings
from graph.store import Store
from synthetic import GenerateParams, generate_dataset
from tests.pipeline import analyze
from tests.serving import serving

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
#: Generous: a busy machine takes seconds to draw a force layout.
WAIT_MS = 60_000


def _chromium() -> str:
    found = next(
        (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
    )
    if found is None:
        message = "Chromium is not installed (.ci/run installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _browser_url(settings: Settings) -> str:
    """Neo4j Browser of the server the tests run on (scripts/neo4j says where)."""
    given = os.environ.get("CUSTGRAPH_NEO4J_BROWSER_URL")
    if given:
        return given
    status = subprocess.run(
        [str(ROOT / "scripts" / "neo4j"), "status"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    found = re.search(r"(http://\S+/browser/)", status)
    assert found, (
        f"scripts/neo4j status names no Browser (set CUSTGRAPH_NEO4J_BROWSER_URL): {status}"
    )
    return found.group(1)


def _run_in_editor(page: Page, command: str) -> None:
    """Type COMMAND into the Browser's editor and run it, as a user would.

    Keystrokes sent while the Browser is still settling after the login (a frame
    opening, the editor re-mounting) can be lost; so the command is run only once the
    editor shows it, and retyped if it does not.
    """
    from playwright.sync_api import expect

    editor = page.get_by_test_id("activeEditor")
    shown = command.rsplit(maxsplit=1)[-1]
    for _ in range(3):
        page.locator("#monaco-main-editor").first.click()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.press("Backspace")
        page.keyboard.type(command)
        try:
            expect(editor).to_contain_text(shown, timeout=10_000)
        except AssertionError:
            continue
        break
    expect(editor).to_contain_text(shown)
    page.get_by_test_id("editor-Run").click()


@pytest.fixture
def guide_served(neo4j_store: Store, tmp_path: Path) -> Iterator[str]:
    """Generated data analyzed in Neo4j, and `custgraph serve` running: the guide's URL."""
    generate_dataset(tmp_path / "data", GenerateParams(customers=600, seed=3))
    analyze(neo4j_store, tmp_path / "data", tmp_path / "rej", profiles=False)
    with serving("--db", str(tmp_path / "api.db")) as base:
        # `localhost`, as the README says: the host Neo4j Browser's allow-list must accept
        yield base.replace("127.0.0.1", "localhost") + "/browser/guide"


def test_the_guide_plays_in_neo4j_browser_and_a_slide_draws_a_graph(
    guide_served: str, neo4j_settings: Settings
) -> None:
    from playwright.sync_api import expect, sync_playwright

    chromium = _chromium()
    expect.set_options(timeout=WAIT_MS)
    bolt = (neo4j_settings.neo4j_uri or "").replace("bolt://", "neo4j://")
    host = bolt.removeprefix("neo4j://")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(
                f"{_browser_url(neo4j_settings)}?dbms=neo4j://neo4j@{host}"
                "&preselectAuthMethod=NATIVE"
            )
            page.get_by_test_id("password").fill(neo4j_settings.neo4j_password)
            page.get_by_test_id("connect").click()
            expect(page.get_by_test_id("activeEditor")).to_contain_text("neo4j$")

            expect(page.get_by_role("heading", name="Connected to Neo4j")).to_be_visible()
            _run_in_editor(page, f":play {guide_served}")
            carousel = page.get_by_test_id("carousel")
            # the first slide, and as many slides as the guide has
            expect(page.get_by_role("heading", name="The custgraph graph")).to_be_visible()
            expect(carousel).to_contain_text(f"1 / {2 + len(analyst_queries())}")

            for _ in range(2):
                carousel.get_by_test_id("nextSlide").click()
            expect(
                carousel.get_by_role("heading", name="Bridges between communities")
            ).to_be_visible()
            blocks = carousel.locator("pre.runnable:visible")
            expect(blocks).to_have_count(2)  # the parameters, then the query
            blocks.nth(0).click()  # into the editor, then run
            page.get_by_test_id("editor-Run").click()
            expect(page.get_by_test_id("rawParamData").first).to_contain_text('"limit": 25')
            blocks.nth(1).click()
            page.get_by_test_id("editor-Run").click()
            # the query's result is drawn as a graph: persons, their communities, the links
            drawn = page.locator("svg .node")
            expect(drawn.first).to_be_visible()
            assert drawn.count() > 10
            overview = page.get_by_test_id("vizInspector")
            expect(
                overview.get_by_test_id("property-details-overview-node-label-Person")
            ).to_be_visible()
            expect(
                overview.get_by_test_id("property-details-overview-node-label-Community")
            ).to_be_visible()
        finally:
            browser.close()
