"""The studio's pages in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium).

Each test works on a copy of two bundled rubrics in a temporary folder, served
by uvicorn on a free loopback port; a failing test leaves a screenshot in its
temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")
webdriver = pytest.importorskip("selenium.webdriver")
httpx2 = pytest.importorskip("httpx2")

from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from paritrana_rules import api  # noqa: E402
from paritrana_rules.studio.pages import create_studio  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DESA = "2024/pemerintah-desa.rubric"
DESA_2025 = "2025/pemerintah-desa.rubric"  # extends DESA
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
WAIT = 30.0

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver (.ci/run installs them)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The studio over a copy of the village rubrics of 2024 and 2025 (which extends it) with their example cases,
    and the regency rubric, served on a free port."""
    folder = tmp_path_factory.mktemp("site") / "rubrics"  # `extends` and `uses` paths are relative to a rubrics/
    shutil.copytree(ROOT / "rubrics/wilayah", folder / "wilayah")
    for name in (DESA, DESA_2025, "2024/kabupaten-kota.rubric"):
        (folder / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / "rubrics" / name, folder / name)
    for name in (DESA, DESA_2025):
        examples = folder.parent / "examples" / Path(name).with_suffix(".yaml")
        examples.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "examples" / examples.relative_to(folder.parent / "examples"), examples)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_studio(folder), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(CHROMEDRIVER)))
    yield driver
    call = getattr(request.node, "rep_call", None)  # set by tests/conftest.py
    if call is not None and call.failed:
        driver.save_screenshot(str(tmp_path / "failure.png"))
    driver.quit()


def wait_for(driver: Any, condition: Callable[[], Any], what: str, tmp_path: Path) -> Any:
    """Poll until `condition` gives a true value; a screenshot in tmp_path and a failure past WAIT."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # the page is still loading what the condition reads
            value = None
        if value:
            return value
        time.sleep(0.1)
    driver.save_screenshot(str(tmp_path / "timeout.png"))
    raise TimeoutException(f"{what} (screenshot: {tmp_path / 'timeout.png'})")


def set_text(driver: Any, text: str) -> None:
    """Put text in the editor as typing does: the value changes and an input event follows."""
    driver.execute_script("const t = document.getElementById('text'); t.value = arguments[0];"
                          "t.dispatchEvent(new Event('input', {bubbles: true}));", text)


def open_rubric(driver: Any, base: str, tmp_path: Path, name: str = DESA, lang: str = "en") -> str:
    driver.get(f"{base}/rubric/{name}?lang={lang}")
    wait_for(driver, lambda: driver.find_element(By.ID, "summary").text == "✓", "the rubric checked clean", tmp_path)
    return str(driver.find_element(By.ID, "text").get_property("value"))


def test_a_mistake_typed_is_underlined_at_its_line_and_goes_away_when_fixed(site: tuple[str, Path], browser: Any,
                                                                            tmp_path: Path) -> None:
    base, _ = site
    text = open_rubric(browser, base, tmp_path)
    lines = text.split("\n")
    broken_line = next(i for i, line in enumerate(lines) if line.startswith("input ")) + 1
    broken = "\n".join([*lines[:broken_line - 1], lines[broken_line - 1].replace("input ", "inptu ", 1),
                        *lines[broken_line:]])
    set_text(browser, broken)
    mark = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "mark.error"), "an underline", tmp_path)[0]
    assert mark.get_attribute("data-line") == str(broken_line)
    assert mark.get_attribute("title")  # the message and its hint, shown on hover
    listed = browser.find_element(By.CSS_SELECTOR, "#diagnostics li.error")
    assert listed.text.startswith(f"{broken_line}:")
    set_text(browser, text)
    wait_for(browser, lambda: browser.find_element(By.ID, "summary").text == "✓", "the diagnostic cleared", tmp_path)
    assert not browser.find_elements(By.CSS_SELECTOR, "mark")


def handbook_text(driver: Any) -> str:
    """The text of the handbook's page, in its sandboxed frame."""
    driver.switch_to.frame(driver.find_element(By.ID, "handbook-page"))
    try:
        return str(driver.find_element(By.TAG_NAME, "body").text)
    finally:
        driver.switch_to.default_content()


def test_the_handbook_page_follows_the_text_in_either_language_and_format_lays_it_out(
        site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = site
    text = open_rubric(browser, base, tmp_path)
    wait_for(browser, lambda: "Village Government" in handbook_text(browser), "the handbook", tmp_path)
    assert "How points are given" in handbook_text(browser)  # the rubric as a page: criteria, bands, gates...
    set_text(browser, text.replace('en "Village Government"', 'en "Village Government Trial"', 1))
    wait_for(browser, lambda: "Village Government Trial" in handbook_text(browser), "the handbook to follow",
             tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.handbook-lang[data-lang="id"]').click()
    wait_for(browser, lambda: "Cara poin diberikan" in handbook_text(browser), "the handbook in Indonesian",
             tmp_path)
    set_text(browser, text.replace("\ngate ", "\ngate   ", 1))
    browser.find_element(By.ID, "format").click()
    wait_for(browser, lambda: browser.find_element(By.ID, "text").get_property("value") == text, "the layout",
             tmp_path)


def test_rubric_text_is_shown_as_text_never_run(site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = site
    text = open_rubric(browser, base, tmp_path)
    hostile = "<img src=x onerror=document.title=1>"
    set_text(browser, text.replace('en "Village Government"', f'en "{hostile}"', 1))
    wait_for(browser, lambda: hostile in handbook_text(browser), "the label shown as written", tmp_path)
    browser.switch_to.frame(browser.find_element(By.ID, "handbook-page"))
    assert not browser.find_elements(By.TAG_NAME, "img")
    browser.switch_to.default_content()
    assert browser.title != "1" and "<img" in browser.find_element(By.ID, "marks").get_attribute("textContent")


def test_what_if_total_follows_the_form(site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = site
    open_rubric(browser, base, tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="whatif"]').click()
    total = browser.find_element(By.ID, "whatif-total")
    first = wait_for(browser, lambda: total.text if total.text not in ("", "-") else None, "a what-if total", tmp_path)
    number = next(i for i in browser.find_elements(By.CSS_SELECTOR, "#whatif-form input[type=number]")
                  if i.get_attribute("name") == "aparat_terdaftar")
    number.clear()
    number.send_keys("30")
    wait_for(browser, lambda: total.text not in ("", "-", first), "the total to change", tmp_path)
    assert browser.find_element(By.ID, "whatif-explanation").text
    funded = next(i for i in browser.find_elements(By.CSS_SELECTOR, "#whatif-form input[type=number]")
                  if i.get_attribute("name") == "rentan_dibiayai")
    funded.clear()
    funded.send_keys("60")
    margin = '#whatif-margins li[data-criterion="jumlah_rentan_desa"]'
    wait_for(browser, lambda: "raise it by 40 people to reach 65 points" in browser.find_element(
        By.CSS_SELECTOR, margin).text, "the distance to the next band", tmp_path)
    assert browser.find_element(By.CSS_SELECTOR, margin).get_attribute("class") == "below_best"


def test_statuses_are_said_in_the_pages_language(site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = site
    open_rubric(browser, base, tmp_path, lang="id")
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="whatif"]').click()
    status = browser.find_element(By.ID, "whatif-status")
    code = wait_for(browser, lambda: status.get_attribute("data-status"), "a what-if status", tmp_path)
    assert status.text == api.status_word(code, "id") != code  # as `score --lang id` says it
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="batch"]').click()
    browser.find_element(By.ID, "batch-file").send_keys(str(ROOT / "examples/2024/pemerintah-desa.csv"))
    rows = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#batch-table tr[data-id]"),
                    "the scored table", tmp_path)
    shown = {row.get_attribute("data-id"): row.find_elements(By.TAG_NAME, "td")[1].text for row in rows}
    table = httpx2.post(f"{base}/api/rubrics/{DESA}/score", params={"name": "pemerintah-desa.csv", "format": "csv",
                                                                   "lang": "id"},
                        content=(ROOT / "examples/2024/pemerintah-desa.csv").read_bytes()).text
    assert shown == {row["id"]: row["status"] for row in csv.DictReader(io.StringIO(table))}


def test_a_rubric_whose_name_needs_quoting_opens_and_checks(site: tuple[str, Path], browser: Any,
                                                             tmp_path: Path) -> None:
    base, folder = site
    odd = folder / "2024/desa #2?.rubric"
    shutil.copy(folder / DESA, odd)
    try:
        browser.get(f"{base}/")
        browser.find_element(By.CSS_SELECTOR, 'a[href^="/rubric/2024/desa%20%232%3F.rubric"]').click()
        wait_for(browser, lambda: browser.find_element(By.ID, "summary").text == "✓", "the rubric checked clean",
                 tmp_path)
        assert browser.find_element(By.ID, "rubric-name").text == "2024/desa #2?.rubric"
    finally:
        odd.unlink()


def test_a_file_scored_in_the_page_can_be_downloaded(site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = site
    open_rubric(browser, base, tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="batch"]').click()
    browser.find_element(By.ID, "batch-file").send_keys(str(ROOT / "examples/2024/pemerintah-desa.csv"))
    rows = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#batch-table tr[data-id]"),
                    "the scored table", tmp_path)
    assert [r.get_attribute("data-id") for r in rows][:2] == ["desa-tamansari", "desa-tulungrejo"]
    link = browser.find_element(By.ID, "batch-download")
    wait_for(browser, link.is_displayed, "the download link", tmp_path)
    downloaded = browser.execute_async_script(
        "const done = arguments[0]; fetch(document.getElementById('batch-download').href)"
        ".then((a) => a.text()).then(done);")
    expected = httpx2.post(f"{base}/api/rubrics/{DESA}/score", params={"name": "pemerintah-desa.csv", "format": "csv",
                                                                      "lang": "en"},
                           content=(ROOT / "examples/2024/pemerintah-desa.csv").read_bytes()).text
    assert downloaded == expected and downloaded.startswith("id,name,status,total")


def fetched_bytes(driver: Any, element_id: str) -> bytes:
    """What a download link of the page holds."""
    numbers = driver.execute_async_script(
        "const done = arguments[1]; fetch(document.getElementById(arguments[0]).href).then((a) => a.arrayBuffer())"
        ".then((b) => done(Array.from(new Uint8Array(b))));", element_id)
    return bytes(numbers)


def test_a_file_scored_gives_charts_explanations_a_workbook_and_a_ledger(site: tuple[str, Path], browser: Any,
                                                                         tmp_path: Path) -> None:
    base, _ = site
    data = ROOT / "examples/2024/pemerintah-desa.csv"
    open_rubric(browser, base, tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="batch"]').click()
    browser.find_element(By.ID, "batch-file").send_keys(str(data))
    rows = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#batch-table tr[data-id]"),
                    "the scored table", tmp_path)
    scored = httpx2.post(f"{base}/api/rubrics/{DESA}/score", params={"name": data.name}, content=data.read_bytes())
    results = scored.json()["results"]
    bars = browser.find_elements(By.CSS_SELECTOR, "#contributions rect[data-criterion]")
    assert len(bars) == sum(1 for r in results for c in r["criteria"] if c["parent"] is None)
    counts = [int(b.get_attribute("data-count")) for b in browser.find_elements(By.CSS_SELECTOR, "#histogram rect")]
    assert len(counts) == 10 and sum(counts) == len(results)
    rows[1].click()
    shown = browser.find_element(By.ID, "batch-explanation")
    wait_for(browser, lambda: shown.get_attribute("data-candidate") == rows[1].get_attribute("data-id"),
             "the row's explanation", tmp_path)
    explained = httpx2.post(f"{base}/api/rubrics/{DESA}/explain", content=data.read_bytes(),
                            params={"name": data.name, "candidate": rows[1].get_attribute("data-id"), "lang": "en"})
    assert shown.get_attribute("textContent") == explained.text
    for link, query in (("batch-xlsx", "format=xlsx&lang=en"), ("batch-ledger", None)):
        wait_for(browser, browser.find_element(By.ID, link).is_displayed, f"the {link} link", tmp_path)
        route = f"{base}/api/rubrics/{DESA}/" + (f"score?name={data.name}&{query}" if query else
                                                  f"audit?name={data.name}")
        assert fetched_bytes(browser, link) == httpx2.post(route, content=data.read_bytes()).content


def test_example_cases_run_and_the_rules_none_reaches_are_marked(site: tuple[str, Path], browser: Any,
                                                                 tmp_path: Path) -> None:
    base, _ = site
    text = open_rubric(browser, base, tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="cases"]').click()
    browser.find_element(By.ID, "cases-run").click()
    coverage = browser.find_element(By.ID, "coverage")
    wait_for(browser, lambda: coverage.text == "Coverage: 30 of 30 rules reached by a case", "the coverage",
             tmp_path)
    assert browser.find_element(By.ID, "cases-summary").get_attribute("data-ok") == "true"
    assert not browser.find_elements(By.CSS_SELECTOR, "mark.uncovered")
    unreached = text.replace("        from 1000 -> 100", "        from 100000 -> 100", 1).replace(
        "from 500 to below 1000 -> 85", "from 500 to below 100000 -> 85", 1)
    set_text(browser, unreached)
    wait_for(browser, lambda: browser.find_element(By.ID, "summary").text == "✓", "the edit checked", tmp_path)
    browser.find_element(By.ID, "cases-run").click()
    wait_for(browser, lambda: coverage.text == "Coverage: 29 of 30 rules reached by a case", "the new coverage",
             tmp_path)
    line = unreached.split("\n").index("        from 100000 -> 100") + 1
    mark = browser.find_element(By.CSS_SELECTOR, "mark.uncovered")
    assert mark.get_attribute("data-line") == str(line) and mark.get_attribute("textContent") == "from 100000 -> 100"
    failed = browser.find_elements(By.CSS_SELECTOR, "#cases-list > li.failed")
    assert "desa-tamansari" in failed[0].text and "total: expected 80.50" in failed[0].text
    browser.find_element(By.CSS_SELECTOR, "#uncovered-list button.line").click()
    selected = browser.execute_script("const t = document.getElementById('text');"
                                      "return t.value.slice(t.selectionStart, t.selectionEnd);")
    assert selected == "        from 100000 -> 100"


def test_the_diff_shows_the_changes_and_the_example_candidates_moves(site: tuple[str, Path], browser: Any,
                                                                     tmp_path: Path) -> None:
    base, _ = site
    open_rubric(browser, base, tmp_path, DESA_2025)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="diff"]').click()
    browser.find_element(By.ID, "diff-run").click()
    state = browser.find_element(By.ID, "diff-summary")
    wait_for(browser, lambda: state.text == "rubrics/2024/pemerintah-desa.rubric → rubrics/2025/pemerintah-desa.rubric",
             "the diff", tmp_path)
    changes = browser.find_elements(By.CSS_SELECTOR, "#diff-changes li")
    assert any("edition: 2024 → 2025" in c.text for c in changes)
    moved = browser.find_element(By.CSS_SELECTOR, '#diff-moves tr[data-candidate="desa-tulungrejo"]')
    assert [cell.text for cell in moved.find_elements(By.TAG_NAME, "td")] == [
        "desa-tulungrejo", "data rejected", "78.94 eligible · #1/1 ★", "", "+★"]
    changes[0].find_element(By.CSS_SELECTOR, "button.line").click()
    selected = browser.execute_script("const t = document.getElementById('text');"
                                      "return t.value.slice(t.selectionStart, t.selectionEnd);")
    assert selected.startswith('rubric "Paritrana Award" edition 2025')
    open_rubric(browser, base, tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="diff"]').click()
    browser.find_element(By.ID, "diff-run").click()
    wait_for(browser, lambda: browser.find_element(By.ID, "diff-summary").text == "This rubric extends no other rubric.",
             "no diff", tmp_path)


def test_a_tampered_ledger_shows_its_finding(site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = site
    records = {"candidates": [{k: v for k, v in c.items() if k != "expect"} for c in json.loads(json.dumps(
        __import__("yaml").safe_load((ROOT / "examples/2024/pemerintah-desa.yaml").read_text(encoding="utf-8"))
        ["candidates"]))]}
    ledger = httpx2.post(f"{base}/api/rubrics/{DESA}/audit", content=json.dumps(records).encode()).content.split(b"\n")
    record = json.loads(ledger[1])
    record["result"]["total"] = "99.00"
    ledger[1] = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(b"\n".join(ledger))
    open_rubric(browser, base, tmp_path)
    browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="replay"]').click()
    browser.find_element(By.ID, "replay-file").send_keys(str(tampered))
    report = browser.find_element(By.ID, "replay-report")
    wait_for(browser, lambda: "edited" in report.text, "the finding", tmp_path)
    assert report.get_attribute("data-ok") == "false"


def test_a_ledger_replayed_against_a_changed_rubric_shows_the_step_that_diverges(site: tuple[str, Path], browser: Any,
                                                                                  tmp_path: Path) -> None:
    base, folder = site
    path = folder / DESA
    data = ROOT / "examples/2024/pemerintah-desa.csv"
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_bytes(httpx2.post(f"{base}/api/rubrics/{DESA}/audit", params={"name": data.name},
                                   content=data.read_bytes()).content)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        from 1000 -> 100", "        from 1000 -> 95", 1), encoding="utf-8")
    try:
        edited = open_rubric(browser, base, tmp_path)
        browser.find_element(By.CSS_SELECTOR, '.tab[data-tab="replay"]').click()
        browser.find_element(By.ID, "replay-current").click()
        browser.find_element(By.ID, "replay-file").send_keys(str(ledger))
        quote = wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, "#replay-divergence pre.quote"),
                         "the diverging step", tmp_path)
        line = edited.split("\n").index("criterion jumlah_rentan_desa under rentan_apbdes weight 40%") + 1
        assert quote.text == f"{line} | criterion jumlah_rentan_desa under rentan_apbdes weight 40%"
        divergence = browser.find_element(By.ID, "replay-divergence").text
        assert "step criterion:jumlah_rentan_desa" in divergence and "rubrics/2024/pemerintah-desa.rubric" in divergence
        assert "It read: rentan_dibiayai = " in divergence
        assert browser.find_element(By.CSS_SELECTOR, "mark.diverged").get_attribute("data-line") == str(line)
        assert browser.find_element(By.ID, "replay-report").get_attribute("data-ok") == "false"
    finally:
        path.write_text(text, encoding="utf-8")


def test_saving_keeps_a_change_made_on_disk_meanwhile(site: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, folder = site
    path = folder / DESA
    text = open_rubric(browser, base, tmp_path)
    edited = text + "\n# a note from the studio\n"
    set_text(browser, edited)
    browser.find_element(By.ID, "save").click()
    state = browser.find_element(By.ID, "save-state")
    wait_for(browser, lambda: state.text == "✓", "the save", tmp_path)
    assert path.read_text(encoding="utf-8") == edited
    path.write_text(edited + "# changed on disk\n", encoding="utf-8")  # someone else saves meanwhile
    set_text(browser, edited + "# the studio's second change\n")
    browser.find_element(By.ID, "save").click()
    wait_for(browser, lambda: "changed on disk" in state.text, "the conflict", tmp_path)
    assert path.read_text(encoding="utf-8") == edited + "# changed on disk\n"
    path.write_text(text, encoding="utf-8")
