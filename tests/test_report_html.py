from __future__ import annotations

import json
import os
import re
import time

import pyarrow.parquet as pq
import pytest

from pipeline.records import MARKER, permalink, rows_to_item_table
from pipeline.report_html import svg_bars, write_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def row(i: int, language: str = "python", **kw) -> dict:
    name = kw.pop("name", f"func_{i}")
    path = f"pkg/mod{i % 7}.py" if language == "python" else f"src/org/x/C{i % 7}.java"
    code = (f"def {name}(seq):\n    return seq.count('G') + {i}\n" if language == "python"
            else f"public static int {name}(String s) {{\n        return s.length() + {i};\n    }}")
    context = f"import os\n\n{MARKER}\n" if language == "python" else f"package org.x;\npublic class C{i % 7} {{\n    {MARKER}\n}}\n"
    base = {
        "id": f"id{i:05d}", "repo": f"owner/repo{i % 3}", "repo_url": f"https://github.com/owner/repo{i % 3}",
        "commit": "0123456789abcdef0123456789abcdef01234567", "path": path, "language": language, "license": "MIT",
        "url": permalink(f"https://github.com/owner/repo{i % 3}", "0123456789abcdef0123456789abcdef01234567", path, 10 + i, 12 + i),
        "name": name, "qualified_name": f"pkg.mod.{name}", "kind": "function", "scope": "module",
        "signature": code.split("\n")[0], "code": code, "body": code.split("\n", 1)[1],
        "start_line": 10 + i, "end_line": 12 + i, "start_byte": 0, "end_byte": len(code), "lines": 2 + i % 50,
        "dependency_level": ["self_contained", "stdlib", "file", "project"][i % 4], "context_code": context,
        "used_imports": [{"statement": "import os", "module": "os", "names": ["os"], "kind": "stdlib", "resolved_path": None}],
        "globals_used": [{"name": "K", "source": "K = 3", "path": path, "line": 2}],
        "callees": [{"name": "helper", "qualified_name": "pkg.util.helper", "path": "pkg/util.py", "kind": "function",
                     "source": "def helper(x):\n    return x", "start_line": 5}],
        "summary": "Count G.", "summary_source": "docstring", "summary_top": f"# This is in python\ndef {name}(seq):",
        "test_harness": f"{MARKER}\nprint({name}('GG'))\n", "harness_validated": i % 2 == 0, "harness_reason": "ok",
        "bio_score": 0.5, "split": ["train", "test"][i % 2],
    }
    base.update(kw)
    return base


@pytest.fixture
def dataset(tmp_path):
    out = tmp_path / "ds"
    kept = [row(i) for i in range(40)] + [row(100 + i, "java") for i in range(10)]
    kept.append(row(999, name="needle_gc_content", split="train"))
    rejected = [row(500 + i, drop_reason="too_short:lines<3", split=None) for i in range(12)]
    for lang in ("python", "java"):
        (out / lang).mkdir(parents=True)
        for split in ("train", "test"):
            rows = [r for r in kept if r["language"] == lang and r["split"] == split]
            pq.write_table(rows_to_item_table(rows), out / lang / f"{split}.parquet")
    pq.write_table(rows_to_item_table(rejected), out / "rejected.parquet")
    (out / "manifest.json").write_text(json.dumps({
        "repos": [{"repo": "owner/repo0", "commit": "0123456789abcdef", "status": "ok"}],
        "counts": {"funnel": {"reasons": ["too_short"], "total": {"in": 63, "dropped": {"too_short": 12}, "out": 51}}}}))
    return out


def test_site_files_and_item_page(dataset, tmp_path):
    site = tmp_path / "site"
    stats = write_site(dataset, site)
    assert stats["items"] == 63
    assert {p.name for p in site.iterdir()} == {"index.html", "items.js", "summary.html", "style.css", "items"}
    assert len(list((site / "items").glob("*.html"))) == 63
    js = (site / "items.js").read_text()
    data = json.loads(re.search(r"var ITEMS=(.*);\n", js).group(1))
    assert len(data) == 63
    page = (site / "items" / "id00999.html").read_text()
    assert 'id="permalink"' in page
    assert ('href="https://github.com/owner/repo0/blob/0123456789abcdef0123456789abcdef01234567/pkg/mod5.py#L1009-L1011"'
            in page)
    assert '<span class="k">def</span>' in page  # Pygments highlighting
    assert "pkg.util.helper" in page and "pkg/util.py:5" in page and "pkg/mod5.py:2" in page
    assert "Count G." in page and "summary_top" in page
    rej = (site / "items" / "id00500.html").read_text()
    assert "Dropped:" in rej and "too_short:lines&lt;3" in rej
    summary = (site / "summary.html").read_text()
    assert summary.count("<svg") >= 5 and "after too_short" in summary
    assert "http://" not in (site / "index.html").read_text().replace("http://www.w3.org", "")
    assert "src=\"items.js\"" in (site / "index.html").read_text()


def test_svg_bars_escapes():
    svg = svg_bars("a<b", [("x<y", 3), ("z", 0)])
    assert "a&lt;b" in svg and "x&lt;y" in svg and "<svg" in svg


def test_site_is_fast_for_many_items(tmp_path):
    out = tmp_path / "big"
    (out / "python").mkdir(parents=True)
    pq.write_table(rows_to_item_table([row(i) for i in range(1000)]), out / "python" / "train.parquet")
    t = time.process_time()
    stats = write_site(out, tmp_path / "bigsite", jobs=1)
    cpu = time.process_time() - t  # CPU time: not inflated by other load on the machine
    assert stats["items"] == 1000 and cpu < 10, stats


def _browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no browser: {CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no browser driver: the playwright Python package is not installed (pip install playwright)")
    return sync_playwright


def test_browser_search_open_item(dataset, tmp_path):
    sync_playwright = _browser()
    site = tmp_path / "site"
    write_site(dataset, site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto((site / "index.html").as_uri())
            assert page.locator("#count").inner_text() == "63 of 63 items"
            assert page.locator("#rows tr").count() == 63
            page.fill("#search", "needle_gc")
            page.wait_for_function("document.getElementById('count').textContent.startsWith('1 of')")
            page.select_option("#f-kept", "true")
            assert page.locator("#rows tr").count() == 1
            page.click("a.item-link:has-text('needle_gc_content')")
            page.wait_for_load_state()
            assert page.url.endswith("items/id00999.html")
            href = page.locator("#permalink").get_attribute("href")
            assert href == ("https://github.com/owner/repo0/blob/0123456789abcdef0123456789abcdef01234567/"
                            "pkg/mod5.py#L1009-L1011")
            code = page.locator("#code").inner_text()
            assert "def needle_gc_content(seq):" in code and "seq.count('G')" in code
            page.goto((site / "summary.html").as_uri())
            assert page.locator("svg.chart").count() >= 5
            assert errors == []
        finally:
            browser.close()


def test_cli_audit_check_and_html(dataset, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    site = tmp_path / "site"
    result = CliRunner().invoke(app, ["audit", str(dataset), "--check", "--html", str(site), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "Context sufficiency" in result.output
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["audit"]["all"]["items"] == 63 and manifest["audit"]["all"]["checked"] == 63
    assert (dataset / "stats" / "audit_cache.jsonl").exists()
    assert pq.read_table(dataset / "rejected.parquet").column("context_ok").null_count == 0
    assert (site / "index.html").exists() and len(list((site / "items").iterdir())) == 63
    page = (site / "items" / "id00003.html").read_text()
    assert "Context check" in page and "No problems found." in page
    again = CliRunner().invoke(app, ["audit", str(dataset)])
    assert again.exit_code == 2
