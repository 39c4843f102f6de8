"""A static audit site for a built dataset: opens from the file system, needs no server or network.

    index.html      every item (kept and rejected), searchable and filterable, rendered a page at
                    a time in plain JavaScript from items.js (a <script>, since file:// forbids fetch)
    items/<id>.html one page per item: provenance and permalink, highlighted code, each context
                    section with where it came from, the context audit, prompts, test harness,
                    filter scores and, for rejected items, the reason
    summary.html    funnel, counts per split and language, inline SVG charts
    style.css       one shared stylesheet (layout + Pygments classes); no external assets

Pages are plain string templates with `html.escape`; one Pygments formatter and one lexer per
language are reused, and highlighting is bounded per page (long context sources are shown as
plain text), so tens of thousands of items are written in seconds across the machine's cores.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Sequence

from pipeline.records import DEPENDENCY_LEVELS

PROMPT_STYLES = ("summary_top", "uncommented", "summary_only", "summary_bottom", "necessary_only")
HIGHLIGHT_BUDGET = 4_000  # characters of context highlighted per page (the function itself always is)
PAGE_SIZE = 100

# Compact index columns, in the order items.js stores them.
INDEX_COLUMNS = ("id", "name", "qualified_name", "repo", "path", "language", "split", "dependency_level", "kept",
                 "drop_reason", "harness_validated", "context_ok", "lines", "start_line")

e = html.escape


def _page(title: str, body: str, css: str = "style.css") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title><link rel="stylesheet" href="{css}"></head>\n<body>{body}</body></html>\n')


def safe_id(item_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(item_id))[:120] or "item"


# ---------------------------------------------------------------- highlighting

_FORMATTER = None
_LEXERS: dict[str, Any] = {}


def _highlighter():
    global _FORMATTER
    if _FORMATTER is None:
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import JavaLexer, PythonLexer

        _FORMATTER = HtmlFormatter(nowrap=True)
        _LEXERS["python"] = PythonLexer(stripnl=False, ensurenl=False)
        _LEXERS["java"] = JavaLexer(stripnl=False, ensurenl=False)
    return _FORMATTER


def highlight(code: str, language: str, first_line: int | None = None) -> str:
    """`<pre class="highlight">` with Pygments spans; line numbers from `first_line` when given."""
    import pygments

    formatter = _highlighter()
    lexer = _LEXERS.get(language, _LEXERS["python"])
    inner = pygments.highlight(code, lexer, formatter)
    return _pre(inner, first_line, code.count("\n") + 1)


def plain(code: str, first_line: int | None = None) -> str:
    return _pre(e(code), first_line, code.count("\n") + 1)


def _pre(inner: str, first_line: int | None, n: int) -> str:
    if first_line is None:
        return f'<pre class="highlight">{inner}</pre>'
    numbers = "\n".join(str(i) for i in range(first_line, first_line + n))
    return f'<div class="code"><pre class="ln">{numbers}</pre><pre class="highlight">{inner}</pre></div>'


_SPLIT = {"python": "# @@biocoder-split-7f3a@@", "java": "// @@biocoder-split-7f3a@@"}
_SPLIT_HTML = {"python": '<span class="c1"># @@biocoder-split-7f3a@@</span>\n',
               "java": '<span class="c1">// @@biocoder-split-7f3a@@</span>\n'}


def highlight_many(snippets: Sequence[str], language: str) -> list[str]:
    """Pygments HTML (span markup only) of several snippets in one lexer pass.

    Pygments costs a fixed amount per call; a page has several small snippets (the function,
    globals, callees), so they are joined with a comment line and the output split again. If a
    snippet swallows the separator (an unterminated string), each is highlighted on its own.
    """
    import pygments

    formatter = _highlighter()
    lexer = _LEXERS.get(language, _LEXERS["python"])
    if len(snippets) > 1:
        sep = "\n" + _SPLIT[language if language in _SPLIT else "python"] + "\n"
        out = pygments.highlight(sep.join(s.rstrip("\n") for s in snippets) + "\n", lexer, formatter)
        parts = out.split("\n" + _SPLIT_HTML[language if language in _SPLIT_HTML else "python"])
        if len(parts) == len(snippets):
            return parts
    return [pygments.highlight(s.rstrip("\n") + "\n", lexer, formatter) for s in snippets]


_CACHE: dict[tuple[str, str], str] = {}


class _Budget:
    """Collects the snippets of one page and highlights them together (bounded in size);
    `code()` returns a placeholder that `fill()` replaces."""

    def __init__(self, chars: int, language: str) -> None:
        self.left = chars
        self.language = language
        self.snippets: list[tuple[str, int | None]] = []

    def code(self, text: str, language: str | None = None, first_line: int | None = None, force: bool = False) -> str:
        if force or len(text) <= self.left:
            if not force:
                self.left -= len(text)
            self.snippets.append((text, first_line))
            return f"\x00HL{len(self.snippets) - 1}\x00"
        return plain(text, first_line)

    def fill(self, page: str) -> str:
        if not self.snippets:
            return page
        texts = [t for t, _ in self.snippets]
        # Context pieces (a callee, a class skeleton, a global) recur across the items of a
        # repository: they are highlighted once per process.
        misses = [t for t in dict.fromkeys(texts) if (self.language, t) not in _CACHE]
        if misses:
            if len(_CACHE) > 50_000:
                _CACHE.clear()
            for t, h in zip(misses, highlight_many(misses, self.language)):
                _CACHE[(self.language, t)] = h
        html_parts = [_CACHE[(self.language, t)] for t in texts]
        for t in texts[:1]:  # the function itself is unique: do not keep it
            _CACHE.pop((self.language, t), None)
        blocks = [_pre(h.rstrip("\n"), first, t.rstrip("\n").count("\n") + 1)
                  for h, (t, first) in zip(html_parts, self.snippets)]
        return re.sub(r"\x00HL(\d+)\x00", lambda m: blocks[int(m.group(1))], page)


# ---------------------------------------------------------------- item page

def _permalink(row: dict[str, Any], path: str, start: int, end: int) -> str:
    from pipeline.records import permalink

    return permalink(row.get("repo_url") or "", row.get("commit") or "", path, start, end) if row.get("commit") else ""


def _link(url: str, text: str, attrs: str = "") -> str:
    return f'<a href="{e(url)}"{attrs}>{e(text)}</a>' if url else e(text)


def _yes_no(value: Any) -> str:
    if value is None:
        return '<span class="badge na">n/a</span>'
    return '<span class="badge ok">yes</span>' if value else '<span class="badge bad">no</span>'


def _kv(rows: Iterable[tuple[str, str]]) -> str:
    return '<table class="kv">' + "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def item_page(row: dict[str, Any]) -> str:
    lang = row.get("language") or "python"
    budget = _Budget(HIGHLIGHT_BUDGET, lang)
    kept = row.get("_kept", row.get("drop_reason") is None)
    url = row.get("url") or _permalink(row, row.get("path") or "", row.get("start_line") or 0, row.get("end_line") or 0)
    status = (f'<span class="badge ok">kept · {e(row.get("split") or "?")}</span>' if kept
              else f'<span class="badge bad">rejected · {e(row.get("drop_reason") or "?")}</span>')
    ctx_ok = row.get("context_ok")
    head = (f'<nav><a href="../index.html">← all items</a> · <a href="../summary.html">summary</a></nav>'
            f'<h1><code>{e(row.get("qualified_name") or row.get("name") or "")}</code></h1>'
            f'<p class="badges"><span class="badge">{e(lang)}</span> {status} '
            f'<span class="badge">{e(row.get("dependency_level") or "?")}</span> '
            f'<a href="#audit">context ok</a> {_yes_no(ctx_ok)} harness validated {_yes_no(row.get("harness_validated"))}</p>')
    parts = [head]
    if not kept:
        parts.append(f'<div class="reason"><b>Dropped:</b> {e(row.get("drop_reason") or "")}</div>')
    repo_url = (row.get("repo_url") or "").removesuffix(".git")
    parts.append("<h2>Provenance</h2>" + _kv([
        ("repository", _link(repo_url if repo_url.startswith("http") else "", row.get("repo") or "")),
        ("commit", f'<code>{e(row.get("commit") or "")}</code>'),
        ("file", f'<code>{e(row.get("path") or "")}</code>'),
        ("lines", f'{row.get("start_line")}–{row.get("end_line")}'),
        ("permalink", _link(url, url or "(no web host for this repository)", ' id="permalink"')),
        ("licence", e(row.get("license") or "")),
        ("kind / scope", e(f'{row.get("kind")} / {row.get("scope")}')),
        ("id", f'<code>{e(str(row.get("id")))}</code>'),
    ]))
    parts.append(f'<h2>Code</h2><div id="code">{budget.code(row.get("code") or "", lang, row.get("start_line") or 1, force=True)}</div>')

    # context sections, each with where it came from
    sec: list[str] = []
    imports = row.get("used_imports") or []
    if imports:
        items = "".join(
            f'<tr><td><code>{e(u.get("statement") or "")}</code></td><td>{e(u.get("kind") or "")}</td>'
            f'<td>{e(", ".join(u.get("names") or []))}</td><td>{e(u.get("resolved_path") or "")}</td></tr>'
            for u in imports)
        sec.append(f'<h3>Imports ({len(imports)})</h3><table class="grid"><tr><th>statement</th><th>kind</th>'
                   f'<th>names used</th><th>resolved file</th></tr>{items}</table>')
    globals_ = row.get("globals_used") or []
    if globals_:
        g_html = []
        for g in globals_:
            where = _link(_permalink(row, g.get("path") or "", g.get("line") or 0, g.get("line") or 0),
                          f'{g.get("path")}:{g.get("line")}')
            g_html.append(f'<div class="src"><div class="from"><code>{e(g.get("name") or "")}</code> from {where}</div>'
                          f'{budget.code(g.get("source") or "", lang)}</div>')
        sec.append(f'<h3>Globals ({len(globals_)})</h3>' + "".join(g_html))
    cc = row.get("class_context")
    if cc:
        members = cc.get("members") or []
        m_rows = "".join(f'<tr><td><code>{e(m.get("name") or "")}</code></td><td>{e(m.get("kind") or "")}</td>'
                         f'<td><code>{e(m.get("source") or "")}</code></td></tr>' for m in members)
        sec.append(f'<h3>Class <code>{e(cc.get("name") or "")}</code> ({e(cc.get("kind") or "class")})</h3>'
                   f'{budget.code(cc.get("header") or "", lang)}'
                   + (f'<table class="grid"><tr><th>member</th><th>kind</th><th>declaration</th></tr>{m_rows}</table>'
                      if members else ""))
    callees = row.get("callees") or []
    if callees:
        c_html = []
        for c in callees:
            start = c.get("start_line") or 0
            src = c.get("source") or ""
            end = start + max(src.count("\n"), 0)
            where = _link(_permalink(row, c.get("path") or "", start, end) if start else "",
                          f'{c.get("path")}:{start}')
            c_html.append(f'<div class="src"><div class="from"><code>{e(c.get("qualified_name") or c.get("name") or "")}</code>'
                          f' ({e(c.get("kind") or "")}) from {where}</div>{budget.code(src, lang)}</div>')
        sec.append(f'<h3>Callees ({len(callees)})</h3>' + "".join(c_html))
    unresolved = row.get("unresolved") or []
    if unresolved:
        sec.append(f'<h3>Unresolved names</h3><p>{", ".join(f"<code>{e(u)}</code>" for u in unresolved)}</p>')
    if not sec:
        sec.append("<p>No context: the function is self-contained.</p>")
    flags = []
    if row.get("context_truncated"):
        flags.append("the context closure was cut by a size bound")
    parts.append(f'<h2>Context <span class="muted">(dependency level: {e(row.get("dependency_level") or "?")})</span></h2>'
                 + ("<p class=\"warn\">" + e("; ".join(flags)) + "</p>" if flags else "") + "".join(sec))

    problems = row.get("context_problems") or []
    audit_html = (f'<p>context ok: {_yes_no(ctx_ok)}</p>'
                  + ("<ul class=\"problems\">" + "".join(f"<li><code>{e(p)}</code></li>" for p in problems) + "</ul>"
                     if problems else ("<p>No problems found.</p>" if ctx_ok is not None else
                                       "<p>Not checked yet: run <code>biocoder audit OUT_DIR --check</code>.</p>")))
    parts.append(f'<h2>Context check</h2><div id="audit">{audit_html}</div>')
    context_code = row.get("context_code") or ""
    if context_code:
        parts.append(f'<details><summary>Full context program (marker where the function goes)</summary>'
                     f'{plain(context_code)}</details>')

    # summary and prompts
    if row.get("summary") or any(row.get(s) for s in PROMPT_STYLES):
        p_html = [f'<p><b>Summary</b> <span class="muted">({e(row.get("summary_source") or "?")})</span></p>'
                  f'<pre class="text">{e(row.get("summary") or "")}</pre>']
        for s in PROMPT_STYLES:
            if row.get(s):
                p_html.append(f'<details><summary>{e(s)}</summary><pre class="text">{e(row[s])}</pre></details>')
        parts.append("<h2>Prompts</h2>" + "".join(p_html))

    harness = row.get("test_harness") or ""
    runs = row.get("test_runs") or []
    parts.append("<h2>Test harness</h2>" + _kv([
        ("validated", _yes_no(row.get("harness_validated"))),
        ("reason", e(row.get("harness_reason") or "")),
        ("runs", e(f"{len(runs)} seeds") if runs else "none"),
    ]) + (f"<details><summary>harness program</summary>{plain(harness)}</details>" if harness else "<p>No harness.</p>"))

    scores = [
        ("bio_score", row.get("bio_score")), ("lines", row.get("lines")), ("tokens", row.get("tokens")),
        ("parameters", row.get("n_params")), ("doc words", row.get("doc_words")),
        ("third-party", ", ".join(row.get("third_party") or [])), ("dedup cluster", row.get("dedup_cluster")),
        ("contaminated", row.get("contaminated")), ("parse error", row.get("has_parse_error")),
        ("python2", row.get("python2")), ("encoding", row.get("encoding")), ("strict parse", row.get("strict_parse")),
    ]
    parts.append("<h2>Filter scores</h2>" + _kv((k, e("" if v is None else str(v))) for k, v in scores))
    title = f'{row.get("name")} · {row.get("repo")}'
    return budget.fill(_page(title, '<main class="item">' + "".join(parts) + "</main>", css="../style.css"))


def _write_pages(args: tuple[str, list[dict[str, Any]]]) -> int:
    directory, rows = args
    for row in rows:
        path = os.path.join(directory, safe_id(row["id"]) + ".html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(item_page(row))
    return len(rows)


# ---------------------------------------------------------------- index

_INDEX_JS = r"""
(function () {
  var C = {}; COLUMNS.forEach(function (c, i) { C[c] = i; });
  var items = ITEMS, PAGE = %(page)d, page = 0, shown = items;
  var hay = items.map(function (r) {
    return (r[C.name] + " " + r[C.qualified_name] + " " + r[C.repo] + " " + r[C.path]).toLowerCase();
  });
  var $ = function (id) { return document.getElementById(id); };
  var filters = ["language", "split", "dependency_level", "kept", "drop_reason", "harness_validated", "context_ok"];
  function label(col, v) {
    if (v === null || v === undefined || v === "") return col === "split" ? "(rejected)" : "(none)";
    if (v === true) return col === "kept" ? "kept" : "yes";
    if (v === false) return col === "kept" ? "rejected" : "no";
    return String(v);
  }
  filters.forEach(function (col) {
    var counts = {};
    items.forEach(function (r) { var k = JSON.stringify(r[C[col]]); counts[k] = (counts[k] || 0) + 1; });
    var sel = $("f-" + col);
    Object.keys(counts).sort().forEach(function (k) {
      var o = document.createElement("option"); o.value = k;
      o.textContent = label(col, JSON.parse(k)) + " (" + counts[k] + ")"; sel.appendChild(o);
    });
    sel.addEventListener("change", apply);
  });
  function apply() {
    var q = $("search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var want = filters.map(function (col) { return [C[col], $("f-" + col).value]; })
                      .filter(function (f) { return f[1] !== ""; });
    shown = [];
    for (var i = 0; i < items.length; i++) {
      var r = items[i], ok = true;
      for (var j = 0; j < want.length && ok; j++) ok = JSON.stringify(r[want[j][0]]) === want[j][1];
      for (var k = 0; k < q.length && ok; k++) ok = hay[i].indexOf(q[k]) >= 0;
      if (ok) shown.push(r);
    }
    page = 0; render();
  }
  function esc(s) { return String(s === null || s === undefined ? "" : s).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function flag(v) { return v === null || v === undefined ? '<span class="badge na">–</span>'
    : v ? '<span class="badge ok">yes</span>' : '<span class="badge bad">no</span>'; }
  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    if (page >= pages) page = pages - 1;
    var out = [];
    shown.slice(page * PAGE, page * PAGE + PAGE).forEach(function (r) {
      out.push('<tr><td><a class="item-link" href="items/' + esc(r[C.id]) + '.html">' + esc(r[C.name]) +
        '</a><div class="muted">' + esc(r[C.qualified_name]) + '</div></td><td>' + esc(r[C.repo]) +
        '</td><td class="path">' + esc(r[C.path]) + ':' + esc(r[C.start_line]) + '</td><td>' + esc(r[C.language]) +
        '</td><td>' + (r[C.kept] ? esc(r[C.split]) : '<span class="badge bad">' + esc(r[C.drop_reason]) + '</span>') +
        '</td><td>' + esc(r[C.dependency_level]) + '</td><td class="num">' + esc(r[C.lines]) + '</td><td>' +
        flag(r[C.harness_validated]) + '</td><td>' + flag(r[C.context_ok]) + '</td></tr>');
    });
    $("rows").innerHTML = out.join("");
    $("count").textContent = shown.length + " of " + items.length + " items";
    $("pageinfo").textContent = "page " + (page + 1) + " / " + pages;
    $("prev").disabled = page === 0; $("next").disabled = page >= pages - 1;
  }
  var timer = null;
  $("search").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  $("prev").addEventListener("click", function () { page--; render(); });
  $("next").addEventListener("click", function () { page++; render(); });
  $("reset").addEventListener("click", function () {
    $("search").value = ""; filters.forEach(function (c) { $("f-" + c).value = ""; }); apply(); });
  render();
})();
"""


def _filter_select(col: str, title: str) -> str:
    return f'<label>{e(title)}<select id="f-{col}"><option value="">all</option></select></label>'


def index_page(title: str, n: int) -> str:
    controls = "".join(_filter_select(c, t) for c, t in [
        ("language", "language"), ("split", "split"), ("dependency_level", "dependency level"), ("kept", "kept / rejected"),
        ("drop_reason", "drop reason"), ("harness_validated", "harness validated"), ("context_ok", "context ok")])
    body = (f'<main><nav><b>{e(title)}</b> · <a href="summary.html">summary</a></nav>'
            f'<div class="controls"><input id="search" type="search" placeholder="search name, repository or path" '
            f'autofocus size="40">{controls}<button id="reset">reset</button></div>'
            f'<p><span id="count">{n} items</span> · <button id="prev">‹ prev</button> <span id="pageinfo"></span> '
            f'<button id="next">next ›</button></p>'
            f'<table class="grid index"><colgroup><col style="width:26%"><col style="width:11%"><col style="width:24%">'
            f'<col style="width:5%"><col style="width:10%"><col style="width:10%"><col style="width:4.5%">'
            f'<col style="width:4.5%"><col style="width:5%"></colgroup><thead><tr><th>function</th><th>repository</th><th>file</th><th>lang</th>'
            f'<th>split / drop reason</th><th>dependency</th><th>lines</th><th title="harness validated">test</th><th title="context ok">ctx</th></tr></thead>'
            f'<tbody id="rows"></tbody></table></main>'
            f'<noscript>This index needs JavaScript; item pages are in items/.</noscript>'
            f'<script src="items.js"></script><script>{_INDEX_JS % {"page": PAGE_SIZE}}</script>')
    return _page(title, body)


def index_data(rows: Sequence[dict[str, Any]]) -> str:
    data = []
    for r in rows:
        data.append([safe_id(r["id"]), r.get("name"), r.get("qualified_name"), r.get("repo"), r.get("path"),
                     r.get("language"), r.get("split") if r.get("_kept", True) else None, r.get("dependency_level"),
                     bool(r.get("_kept", r.get("drop_reason") is None)),
                     (r.get("drop_reason") or "").split(":", 1)[0] or None,
                     r.get("harness_validated"), r.get("context_ok"), r.get("lines"), r.get("start_line")])
    # `</` cannot appear inside the script: JSON of code paths might contain it.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"var COLUMNS={json.dumps(list(INDEX_COLUMNS))};\nvar ITEMS={payload};\n"


# ---------------------------------------------------------------- summary page

def svg_bars(title: str, data: Sequence[tuple[str, float]], width: int = 640, unit: str = "",
             colour: str = "#4a7fb5") -> str:
    """A horizontal bar chart as inline SVG."""
    if not data:
        return f"<h3>{e(title)}</h3><p class=\"muted\">no data</p>"
    bar, gap, label_w, value_w = 18, 6, 200, 70
    top = max(v for _, v in data) or 1
    height = len(data) * (bar + gap) + gap
    inner = width - label_w - value_w
    parts = [f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}">']
    for i, (label, value) in enumerate(data):
        y = gap + i * (bar + gap)
        w = max(1.0, inner * value / top) if value else 0
        shown = f"{value:.1%}" if unit == "%" else f"{value:,.0f}"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 5}" text-anchor="end">{e(str(label))}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}"><title>{e(str(label))}: {shown}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 5}">{shown}</text>')
    parts.append("</svg>")
    return f"<h3>{e(title)}</h3>" + "".join(parts)


_LENGTH_BINS = (5, 10, 20, 40, 80, 160, 320)


def _length_bin(n: int | None) -> str:
    n = n or 0
    lo = 0
    for hi in _LENGTH_BINS:
        if n < hi:
            return f"{lo}–{hi - 1}"
        lo = hi
    return f"≥{_LENGTH_BINS[-1]}"


def summary_page(rows: Sequence[dict[str, Any]], manifest: dict[str, Any], title: str) -> str:
    parts = [f'<main><nav><a href="index.html">← all items</a></nav><h1>{e(title)}: summary</h1>']
    kept = [r for r in rows if r.get("_kept")]
    rejected = [r for r in rows if not r.get("_kept")]
    # funnel
    funnel = (manifest.get("counts") or {}).get("funnel") or {}
    total = funnel.get("total") if isinstance(funnel, dict) else None
    parts.append("<h2>Funnel</h2>")
    if total and isinstance(total.get("dropped"), dict):
        steps = [("extracted (in)", total.get("in", 0))]
        left = total.get("in", 0)
        for reason, n in total["dropped"].items():
            left -= n
            steps.append((f"after {reason}", left))
        steps.append(("kept (out)", total.get("out", left)))
        parts.append(svg_bars("Items left after each filter (all languages)", steps))
    else:
        steps = [("extracted", len(rows))]
        left = len(rows)
        for reason, n in Counter((r.get("drop_reason") or "").split(":", 1)[0] for r in rejected).most_common():
            left -= n
            steps.append((f"after {reason}", left))
        parts.append(svg_bars("Items left after each drop reason (from the rows)", steps))
    reasons = Counter((r.get("drop_reason") or "").split(":", 1)[0] for r in rejected)
    parts.append(svg_bars("Rejected items by reason", reasons.most_common(), colour="#b5544a"))
    # counts per split and language
    langs = sorted({r.get("language") or "?" for r in rows})
    splits = sorted({r.get("split") or "?" for r in kept})
    table = defaultdict(int)
    for r in kept:
        table[(r.get("split") or "?", r.get("language") or "?")] += 1
    head = "".join(f"<th>{e(lang)}</th>" for lang in langs)
    body = "".join(f"<tr><th>{e(s)}</th>" + "".join(f'<td class="num">{table[(s, lang)]}</td>' for lang in langs)
                   + f'<td class="num">{sum(table[(s, lang)] for lang in langs)}</td></tr>' for s in splits)
    rej = Counter(r.get("language") or "?" for r in rejected)
    body += ("<tr><th>rejected</th>" + "".join(f'<td class="num">{rej[lang]}</td>' for lang in langs)
             + f'<td class="num">{len(rejected)}</td></tr>')
    parts.append(f'<h2>Items per split and language</h2><table class="grid"><tr><th>split</th>{head}<th>all</th></tr>{body}</table>')
    # distributions
    parts.append("<h2>Distributions (kept items)</h2>")
    order = [_length_bin(b) for b in (0, *_LENGTH_BINS)]
    for lang in langs:
        lengths = Counter(_length_bin(r.get("lines")) for r in kept if r.get("language") == lang)
        parts.append(svg_bars(f"{lang}: length in lines", [(b, lengths.get(b, 0)) for b in order]))
        levels = Counter(r.get("dependency_level") or "?" for r in kept if r.get("language") == lang)
        parts.append(svg_bars(f"{lang}: dependency level", [(lv, levels.get(lv, 0)) for lv in DEPENDENCY_LEVELS],
                              colour="#5a9a5a"))
    # context audit
    checked = [r for r in rows if r.get("context_ok") is not None]
    parts.append("<h2>Context check (kept and rejected)</h2>")
    if checked:
        for lang in langs:
            by_level = []
            for lv in DEPENDENCY_LEVELS:
                rs = [r for r in checked if r.get("language") == lang and r.get("dependency_level") == lv]
                if rs:
                    by_level.append((f"{lv} (n={len(rs)})", sum(bool(r["context_ok"]) for r in rs) / len(rs)))
            parts.append(svg_bars(f"{lang}: share of items whose context is sufficient", by_level, unit="%",
                                  colour="#8a6ab5"))
        probs = Counter(p for r in checked for p in set(r.get("context_problems") or []))
        parts.append("<h3>Most frequent problems</h3><table class=\"grid\"><tr><th>problem</th><th>items</th></tr>"
                     + "".join(f'<tr><td><code>{e(p)}</code></td><td class="num">{n}</td></tr>'
                               for p, n in probs.most_common(20)) + "</table>")
    else:
        parts.append("<p>Not checked yet: run <code>biocoder audit OUT_DIR --check</code>.</p>")
    repos = manifest.get("repos") or []
    if repos:
        parts.append("<h2>Repositories</h2><table class=\"grid\"><tr><th>repository</th><th>commit</th><th>status</th></tr>"
                     + "".join(f'<tr><td>{e(str(r.get("repo")))}</td><td><code>{e(str(r.get("commit") or ""))[:12]}</code></td>'
                               f'<td>{e(str(r.get("status") or ""))}</td></tr>' for r in repos if isinstance(r, dict))
                     + "</table>")
    return _page(f"{title}: summary", "".join(parts) + "</main>")


# ---------------------------------------------------------------- the site

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2329; background: #fafbfc; }
main { max-width: 1360px; margin: 0 auto; padding: 12px 20px 40px; }
nav { margin: 6px 0 10px; color: #555; }
a { color: #1f5fa8; text-decoration: none; } a:hover { text-decoration: underline; }
h1 { font-size: 20px; margin: 8px 0; word-break: break-all; } h1 code { font-size: 18px; } h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid #dde2e8; }
h3 { font-size: 14px; margin: 14px 0 6px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { margin: 0; padding: 8px 10px; background: #fff; border: 1px solid #e1e5ea; border-radius: 4px; overflow: auto; max-height: 640px; }
pre.text { white-space: pre-wrap; }
.code { display: flex; } .code pre.ln { color: #8a949e; text-align: right; user-select: none; border-right: 0; border-radius: 4px 0 0 4px; background: #f3f5f7; }
.code pre.highlight { flex: 1; border-radius: 0 4px 4px 0; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 8px 0; }
.controls label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
.controls input { font-size: 14px; padding: 5px 8px; }
.controls select { font-size: 13px; padding: 3px; max-width: 190px; }
table.grid { border-collapse: collapse; width: 100%; background: #fff; }
table.grid th, table.grid td { border: 1px solid #e1e5ea; padding: 4px 7px; text-align: left; vertical-align: top; }
table.grid th { background: #f0f3f6; font-weight: 600; }
table.index { table-layout: fixed; }
table.index td { overflow-wrap: anywhere; }
table.index td.path { font-family: ui-monospace, monospace; font-size: 12px; }
table.index .muted { font-size: 11.5px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { text-align: left; padding: 3px 14px 3px 0; color: #555; font-weight: 600; vertical-align: top; white-space: nowrap; }
table.kv td { padding: 3px 0; word-break: break-all; }
.muted { color: #6b7680; font-size: 12px; }
.badge { white-space: nowrap; display: inline-block; padding: 0 7px; border-radius: 9px; background: #e6ebf0; font-size: 12px; margin-right: 4px; }
.badge.ok { background: #d7f0dc; color: #1b5e2a; } .badge.bad { background: #f8dcd8; color: #8c2318; } .badge.na { background: #eee; color: #777; }
.reason { background: #fdf0ee; border: 1px solid #efc2bb; padding: 8px 12px; border-radius: 4px; margin: 10px 0; }
.warn { color: #8a5a00; }
.src { margin: 8px 0 12px; } .from { font-size: 12px; color: #555; margin-bottom: 2px; }
ul.problems { margin: 4px 0; }
details { margin: 6px 0; } summary { cursor: pointer; color: #1f5fa8; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #333; }
button { font-size: 13px; }
"""


def write_site(
    out_dir: str | Path,
    html_dir: str | Path,
    rows: Sequence[dict[str, Any]] | None = None,
    title: str | None = None,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Write the static site for the dataset in `out_dir` into `html_dir`; returns counts and timings.

    `rows` (as from `pipeline.audit.read_items`) may be given to avoid reading the dataset again.
    """
    from pipeline.audit import read_items

    started = time.perf_counter()
    out, site = Path(out_dir), Path(html_dir)
    if rows is None:
        rows = read_items(out)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    title = title or f"Audit: {out.resolve().name}"
    items_dir = site / "items"
    items_dir.mkdir(parents=True, exist_ok=True)
    read_s = time.perf_counter() - started

    from pygments.formatters import HtmlFormatter

    t = time.perf_counter()
    (site / "style.css").write_text(_CSS + HtmlFormatter().get_style_defs(".highlight"), encoding="utf-8")
    (site / "items.js").write_text(index_data(rows), encoding="utf-8")
    (site / "index.html").write_text(index_page(title, len(rows)), encoding="utf-8")
    (site / "summary.html").write_text(summary_page(rows, manifest, title), encoding="utf-8")
    index_s = time.perf_counter() - t

    t = time.perf_counter()
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(rows) < 200:
        _write_pages((str(items_dir), list(rows)))
    else:
        chunk = max(50, len(rows) // (jobs * 8))
        batches = [(str(items_dir), list(rows[k:k + chunk])) for k in range(0, len(rows), chunk)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for _ in pool.map(_write_pages, batches):
                pass
    pages_s = time.perf_counter() - t
    return {"items": len(rows), "html_dir": str(site), "seconds": {
        "read": round(read_s, 3), "index_and_summary": round(index_s, 3), "item_pages": round(pages_s, 3),
        "total": round(time.perf_counter() - started, 3)}}
