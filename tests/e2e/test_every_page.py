"""Every page as a person sees it (issue 14), in a real headless Chromium, at 1440 x 900 and at 390 x 844.

Each page of the navigation, each KPI's detail page, compare mode on and off and a named locality are opened
once per viewport (local mode: an admin, who sees every page), read from the page, screenshotted and run
through axe-core; the tests below then assert on what was read:

- no error (Streamlit's exception or error box, or the word "Traceback");
- quarters in time order on every Plotly chart (each category axis as drawn, and each trace's x) and in
  every table (each column of quarters, and quarters as column headers);
- no column header that is a code name (`review_id`), and no cell reading `None`, `nan`, `NaT` or with a
  time of `00:00:00` (a missing value in a dataframe is drawn as "None": found from the grid's own cells);
- no sideways scrolling of the page;
- the scorecard whole: on the desktop every row rendered without scrolling inside it, on the phone a card per
  KPI with its value and RAG;
- no serious or critical axe-core violation on the page (EXCLUDED lists what is Streamlit's own, and why).

Tables are Streamlit dataframes (a canvas): they are read from the grid's accessible table
(`table[role=grid]`), which holds only the rows and columns in view, so each grid is scrolled through.

Artifacts: test-artifacts/pages/<page>-<width>x<height>.png (whole page), test-artifacts/pages/axe-*.json.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dashboard.core.kpi_names import kpi_names

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
QUARTER = "fy=2023-24&q=Q3"

#: The navigation's pages (dashboard/app/streamlit_app.py, PAGE_SPECS): name -> address.
NAVIGATION = {
    "overview": "",
    "kpi": "kpi",
    "training": "training",
    "audits": "audits",
    "reviews": "reviews",
    "actions": "actions",
    "updates": "updates",
    "reports": "reports",
    "upload": "upload",
    "catalogue": "catalogue",
    "audit-log": "audit-log",
}
KPIS = list(kpi_names())


def _visits() -> dict[str, str]:
    """Every page to open: name -> address with its query string."""
    visits = {name: f"{path}?{QUARTER}" for name, path in NAVIGATION.items()}
    visits |= {f"kpi-{kpi}": f"kpi?{QUARTER}&kpi={kpi}" for kpi in KPIS}
    visits |= {
        "overview-compare": f"?{QUARTER}&compare=1",
        "overview-hartlepool": f"?{QUARTER}&loc=Hartlepool",
        "overview-year": "?fy=2023-24&q=year",
        "kpi-CR02-compare": f"kpi?{QUARTER}&kpi=CR02&compare=1",
        "kpi-TR02-stockton": f"kpi?{QUARTER}&kpi=TR02&loc=Stockton-on-Tees",
        "training-hartlepool": f"training?{QUARTER}&loc=Hartlepool",
        "training-compare": f"training?{QUARTER}&compare=1",
        "audits-stockton": f"audits?{QUARTER}&loc=Stockton-on-Tees",
        "reviews-compare": f"reviews?{QUARTER}&compare=1",
        "actions-hartlepool": f"actions?{QUARTER}&loc=Hartlepool",
        "updates-hartlepool": f"updates?{QUARTER}&loc=Hartlepool",
    }
    return visits


VISITS = _visits()

QUARTER_LABEL = re.compile(r"^\s*(\d{4})-(\d{2})\s*(?:<br>|\s)\s*Q([1-4])\s*$")
CODE_NAME = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
RAW_CELL = re.compile(r"^(None|nan|NaN|NaT|<NA>|null)$|00:00:00")
RAGS = ("Green", "Amber", "Red")

#: axe-core findings inside Streamlit's own widgets that our pages cannot change: rule id -> (the element
#: the finding must lie in, why it is left out). Every other serious or critical finding fails the test.
NAVIGATION_LIST = '[data-testid="stSidebarNav"]'
EXCLUDED: dict[str, tuple[str, str]] = {
    "list": (
        NAVIGATION_LIST,
        "st.navigation with sections draws each section's links as <li> inside a <div> inside the <ul>; the "
        "markup is Streamlit's (the page links come from PAGE_SPECS, the list is not ours to change)",
    ),
    "listitem": (
        NAVIGATION_LIST,
        "the same <li> elements of Streamlit's navigation, not inside a <ul> directly",
    ),
}

# --- what is read from a page ---------------------------------------------------------------------------

READY = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector('h1') || main.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.every(c => c.querySelector('.main-svg'));
}"""

CHARTS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].map((div, i) => {
  const layout = div._fullLayout || {};
  const axes = Object.keys(layout).filter(k => /^[xy]axis\\d*$/.test(k) && layout[k].type === 'category')
    .map(k => ({axis: k, categories: (layout[k]._categories || []).map(String)}));
  const values = v => Array.isArray(v) ? v.map(String) : ArrayBuffer.isView(v) ? Array.from(v, String) : [];
  const traces = (div.data || []).map(t => ({name: String(t.name ?? ''), x: values(t.x), y: values(t.y)}));
  const title = (layout.title && layout.title.text) || '';
  return {index: i, title: String(title), axes, traces};
})"""

# Scrolls each dataframe's grid through, reading its accessible table (only the cells in view are in it).
TABLES = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const pause = ms => new Promise(r => setTimeout(r, ms));
  const cells = df => [...df.querySelectorAll('table[role="grid"] tbody tr[role="row"]')]
    .map(tr => tr.getAttribute('aria-rowindex') + ':' + [...tr.children].map(td => td.getAttribute('aria-colindex')))
    .join(' ');
  // The grid redraws its accessible table a moment after it is scrolled: wait for it to change (up to 2 s).
  const scrollGrid = async (df, scroller, top, left) => {
    const before = cells(df), was = [scroller.scrollTop, scroller.scrollLeft];
    scroller.scrollTop = top;
    scroller.scrollLeft = left;
    if (scroller.scrollTop === was[0] && scroller.scrollLeft === was[1] && before) return;
    for (let waited = 0; waited < 2000 && cells(df) === before; waited += 50) await pause(50);
    await frame();
  };
  const headings = [...document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] h2, '
                                                + '[data-testid="stMain"] h3')];
  const name = (element, fallback) => {
    const holder = element.closest('[class*="st-key-"]');
    if (holder) return [...holder.classList].find(c => c.startsWith('st-key-')).slice(7);
    const before = headings.filter(h => h.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
    return before.length ? `${fallback} under "${before[before.length - 1].textContent.trim()}"` : fallback;
  };
  // Streamlit draws "None" on the canvas for a missing value while its accessible cell is empty: the grid's
  // own cells (glide's getCellContent, found from the canvas's React props) say which are missing.
  const missingValues = df => {
    const canvas = df.querySelector('canvas');
    const fiberKey = canvas && Object.keys(canvas).find(k => k.startsWith('__reactFiber'));
    let fiber = fiberKey && canvas[fiberKey];
    const isGrid = props => props && typeof props.getCellContent === 'function'
      && Array.isArray(props.columns) && typeof props.rows === 'number';
    while (fiber && !isGrid(fiber.memoizedProps)) fiber = fiber.return;
    if (!fiber) return null;
    const {getCellContent, columns, rows} = fiber.memoizedProps;
    const missing = {};
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns.length; c++) {
        const cell = getCellContent([c, r]);
        // Charts in a cell (kind custom, such as the scorecard's trend) draw nothing for a missing value.
        const title = columns[c].title;
        if (cell.isMissingValue && cell.kind !== 'custom') missing[title] = (missing[title] || 0) + 1;
      }
    }
    return missing;
  };
  const out = [];
  const frames = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]')];
  for (const [i, df] of frames.entries()) {
    if (!df.getClientRects().length) continue;  // hidden (the scorecard's table on a phone)
    df.scrollIntoView({block: 'center'});
    // The grid fills its accessible table a moment after it is first drawn (up to 2 s).
    for (let waited = 0; waited < 2000 && !cells(df); waited += 50) await pause(50);
    const key = name(df, `table ${i + 1}`);
    const headers = {}, rows = {};
    const read = () => {
      const table = df.querySelector('table[role="grid"]');
      if (!table) return 0;
      table.querySelectorAll('th[role="columnheader"]').forEach(th => {
        headers[th.getAttribute('aria-colindex')] = th.textContent.trim();
      });
      table.querySelectorAll('tbody tr[role="row"]').forEach(tr => {
        const row = rows[tr.getAttribute('aria-rowindex')] ||= {};
        tr.querySelectorAll('td[role="gridcell"]').forEach(td => {
          row[td.getAttribute('aria-colindex')] = td.textContent.trim();
        });
      });
      return Number(table.getAttribute('aria-rowcount') || 0);
    };
    const scroller = df.querySelector('.dvn-scroller');
    let rowcount = 0, steps = 0;
    const whole = scroller ? scroller.scrollHeight <= scroller.clientHeight + 1 : true;
    const inner = scroller ? {scrollHeight: scroller.scrollHeight, clientHeight: scroller.clientHeight} : null;
    if (scroller && scroller.clientHeight > 0 && scroller.clientWidth > 0) {
      // Scrolled one screen at a time, across then down (each step waits for the grid to redraw).
      for (let left = 0; steps < 400; left += Math.max(60, scroller.clientWidth - 40)) {
        for (let top = 0; steps < 400; top += Math.max(30, scroller.clientHeight - 60), steps++) {
          await scrollGrid(df, scroller, top, left);
          rowcount = Math.max(rowcount, read());
          if (top + scroller.clientHeight >= scroller.scrollHeight) break;
        }
        if (left + scroller.clientWidth >= scroller.scrollWidth) break;
      }
      scroller.scrollTop = 0;
      scroller.scrollLeft = 0;
    } else {
      rowcount = read();
    }
    const columns = Object.keys(headers).map(Number).sort((a, b) => a - b);
    const body = Object.keys(rows).map(Number).sort((a, b) => a - b)
      .map(r => columns.map(c => rows[r][c] ?? ''));
    out.push({key, kind: 'dataframe', headers: columns.map(c => headers[c]), rows: body,
              expected_rows: Math.max(0, rowcount - 1), whole, inner, missing: missingValues(df)});
  }
  const html = [...document.querySelectorAll('[data-testid="stMain"] table:not([role="grid"])')];
  for (const [i, table] of html.entries()) {
    const key = name(table, `HTML table ${i + 1}`);
    const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    const rows = [...table.querySelectorAll('tbody tr')]
      .map(tr => [...tr.querySelectorAll('th, td')].map(td => td.textContent.trim()));
    out.push({key, kind: 'table', headers, rows, expected_rows: rows.length, whole: true, inner: null,
              missing: {}});
  }
  return out;
}"""

PAGE_FACTS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const errors = [...document.querySelectorAll(
      '[data-testid="stException"], [data-testid="stAlertContentError"]')]
    .map(e => e.innerText.trim().slice(0, 300));
  const cards = document.querySelector('.st-key-scorecard_cards');
  const box = cards ? cards.getBoundingClientRect() : null;
  return {
    errors,
    traceback: document.body.innerText.includes('Traceback'),
    page_width: document.documentElement.scrollWidth,
    main_width: main ? main.scrollWidth : 0,
    main_client_width: main ? main.clientWidth : 0,
    inner_width: window.innerWidth,
    wide: [...(main ? main.querySelectorAll('[data-testid="stElementContainer"]') : [])]
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map(e => (e.className.match(/st-key-\\S+/) || [e.dataset.testid + ': ' + e.innerText.slice(0, 60)])[0])
      .slice(0, 10),
    nav: [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
      .map(a => new URL(a.href).pathname.replace(/^\\//, '')),
    cards: cards ? {
      text: cards.innerText,
      visible: !!box && box.width > 0 && box.height > 0 && getComputedStyle(cards).visibility !== 'hidden',
      cards: [...cards.querySelectorAll('.kpi-card')].map(card => {
        const text = selector => (card.querySelector(selector) || {innerText: ''}).innerText.trim();
        return {title: text('.kpi-card-title'), value: text('.kpi-card-value'), rag: text('.kpi-card-rag'),
                target: text('.kpi-card-target'), visible: card.getBoundingClientRect().height > 0};
      }),
    } : null,
  };
}"""

#: Opens every closed expander, so that the tables and charts inside are drawn and read.
EXPAND = """() => {
  const closed = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary')];
  closed.forEach(summary => summary.click());
  return closed.length;
}"""


@dataclass
class Seen:
    """What one page showed at one viewport."""

    name: str
    address: str
    facts: dict[str, Any] = field(default_factory=dict)
    charts: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)  # serious or critical, in our content
    failure: str = ""  # the page did not finish loading
    seconds: float = 0.0


def _full_page_screenshot(page: Any, path: Path, width: int, height: int) -> None:
    """Streamlit scrolls inside its main area, so the viewport is made as tall as the content for the shot."""
    tall = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
             ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
               .map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": width, "height": min(max(int(tall), height), 12_000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


def _axe(page: Any, axe: Any, name: str, folder: Path) -> list[str]:
    """Serious and critical axe-core violations on the whole page, less EXCLUDED; every violation is saved."""
    violations = axe.run(page).response["violations"]
    (folder / f"axe-{name}.json").write_text(json.dumps(violations, indent=2))
    found = []
    for violation in violations:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            excluded = EXCLUDED.get(violation["id"])
            if excluded and page.evaluate(INSIDE, [node["target"], excluded[0]]):
                continue
            found.append(f"{violation['id']} ({violation['impact']}): {node['html'][:200]}")
    return found


#: Whether the element an axe-core target names (a unique selector; a list for frames) lies in `selector`.
INSIDE = """([targets, selector]) => {
  const target = Array.isArray(targets) ? targets[targets.length - 1] : targets;
  const node = document.querySelector(Array.isArray(target) ? target[target.length - 1] : target);
  return !!(node && node.closest(selector));
}"""


def _visit(page: Any, server: str, name: str, address: str, viewport: str, folder: Path, axe: Any) -> Seen:
    width, height = VIEWPORTS[viewport]
    seen = Seen(name, address)
    started = time.monotonic()
    page.goto(f"{server}/{address}")
    try:
        page.wait_for_function(READY, timeout=45_000, polling=100)
    except Exception as exc:  # the page never settled: recorded, and failed by test_no_error
        seen.failure = f"did not finish loading: {str(exc).splitlines()[0]}"
    seen.facts = page.evaluate(PAGE_FACTS)
    seen.axe = _axe(page, axe, f"{name}-{width}x{height}", folder)
    if page.evaluate(EXPAND):
        page.wait_for_timeout(300)
        page.wait_for_function(READY, timeout=30_000)
    seen.charts = page.evaluate(CHARTS)
    seen.tables = page.evaluate(TABLES)
    _full_page_screenshot(page, folder / f"{name}-{width}x{height}.png", width, height)
    seen.seconds = round(time.monotonic() - started, 1)
    return seen


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def seen(
    request: pytest.FixtureRequest, server: str, browser: Any, artifacts: Path
) -> Iterator[dict[str, Seen]]:
    """Every page at one viewport: name -> what it showed."""
    from axe_playwright_python.sync_playwright import Axe

    viewport = request.param
    width, height = VIEWPORTS[viewport]
    folder = artifacts / "pages"
    folder.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    axe = Axe()
    try:
        pages = {
            name: _visit(page, server, name, address, viewport, folder, axe)
            for name, address in VISITS.items()
        }
    finally:
        context.close()
    # What was read, for review beside the screenshots.
    (folder / f"read-{width}x{height}.json").write_text(
        json.dumps({name: asdict(s) for name, s in pages.items()}, indent=1)
    )
    yield pages


def _is_phone(seen: dict[str, Seen]) -> bool:
    return next(iter(seen.values())).facts.get("inner_width", 0) < 600


# --- quarters -------------------------------------------------------------------------------------------


def quarter_key(text: str) -> tuple[int, int] | None:
    """(start year, quarter) of a label such as '2023-24 Q3' (also '2023-24<br>Q3'); None for anything else."""
    match = QUARTER_LABEL.match(text)
    return (int(match[1]), int(match[3])) if match else None


def out_of_order(labels: list[str], either_way: bool = False) -> list[str]:
    """The quarters in `labels` (other labels ignored) where time order breaks, as 'earlier -> later' pairs;
    ascending, or with `either_way` consistently descending (newest first) as well."""
    quarters = [(key, label) for label in labels if (key := quarter_key(label)) is not None]
    keys = [key for key, _ in quarters]
    if keys == sorted(keys) or (either_way and keys == sorted(keys, reverse=True)):
        return []
    rising = not either_way or keys[-1] >= keys[0]
    return [
        f"{a} then {b}"
        for (ka, a), (kb, b) in zip(quarters, quarters[1:], strict=False)
        if (kb < ka if rising else kb > ka)
    ]


def test_quarter_order_helpers() -> None:
    assert quarter_key("2023-24 Q3") == (2023, 3)
    assert quarter_key("2023-24<br>Q4") == (2023, 4)
    assert quarter_key("Q3") is None
    assert out_of_order(["2022-23 Q4", "2023-24 Q1", "2023-24 Q1", "x"]) == []
    assert out_of_order(["2024-25 Q2", "2024-25 Q4", "2022-23 Q3"]) == ["2024-25 Q4 then 2022-23 Q3"]
    assert out_of_order(["2023-24 Q3", "2023-24 Q2"], either_way=True) == []
    assert out_of_order(["2023-24 Q3", "2023-24 Q2"]) == ["2023-24 Q3 then 2023-24 Q2"]
    assert CODE_NAME.match("review_id") and not CODE_NAME.match("Review") and not CODE_NAME.match("ok")
    assert (
        RAW_CELL.search("2023-09-25 00:00:00") and RAW_CELL.search("None") and not RAW_CELL.search("Nonesuch")
    )


# --- the assertions -------------------------------------------------------------------------------------


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_navigation_is_every_page_visited(seen: dict[str, Seen]) -> None:
    nav = seen["overview"].facts["nav"]
    assert sorted(nav) == sorted(NAVIGATION.values()), nav


def test_no_error_on_any_page(seen: dict[str, Seen]) -> None:
    problems = [
        f"{s.name}: {what}"
        for s in seen.values()
        for what in [
            *([s.failure] if s.failure else []),
            *s.facts["errors"],
            *(["Traceback on the page"] if s.facts["traceback"] else []),
        ]
    ]
    assert not problems, _report(problems)


def test_quarters_in_time_order_on_every_chart(seen: dict[str, Seen]) -> None:
    problems = []
    checked = 0
    for s in seen.values():
        for chart in s.charts:
            where = f"{s.name}: chart {chart['index']} {chart['title'][:60]!r}"
            for axis in chart["axes"]:
                checked += 1
                if bad := out_of_order(axis["categories"]):
                    problems.append(f"{where} {axis['axis']}: {', '.join(bad)}")
            for trace in chart["traces"]:
                for values in (trace["x"], trace["y"]):
                    if bad := out_of_order(values):
                        problems.append(f"{where} trace {trace['name']!r}: {', '.join(bad)}")
    assert checked, "no chart with a quarter axis was read"
    assert not problems, _report(problems)


def test_quarters_in_time_order_in_every_table(seen: dict[str, Seen]) -> None:
    problems = []
    for s in seen.values():
        for table in s.tables:
            where = f"{s.name}: table {table['key']!r}"
            if bad := out_of_order(table["headers"]):
                problems.append(f"{where} headers: {', '.join(bad)}")
            for i, header in enumerate(table["headers"]):
                column = [row[i] for row in table["rows"] if i < len(row) and row[i]]
                if bad := out_of_order(column, either_way=True):
                    problems.append(f"{where} column {header!r}: {', '.join(bad[:3])}")
    assert not problems, _report(problems)


def test_every_table_read_whole(seen: dict[str, Seen]) -> None:
    """The tables the other tests judge were read row by row to the end (the grid scrolled through)."""
    problems = [
        f"{s.name}: table {t['key']!r} read {len(t['rows'])} of {t['expected_rows']} rows"
        for s in seen.values()
        for t in s.tables
        if len(t["rows"]) != t["expected_rows"]
    ]
    assert sum(len(s.tables) for s in seen.values()) > 20, "too few tables were read"
    assert not problems, _report(problems)


def test_no_column_header_is_a_code_name(seen: dict[str, Seen]) -> None:
    problems = sorted(
        {
            f"{s.name}: table {t['key']!r}: {header}"
            for s in seen.values()
            for t in s.tables
            for header in t["headers"]
            if CODE_NAME.match(header)
        }
    )
    assert not problems, _report(problems)


def test_no_none_nan_or_midnight_in_any_table(seen: dict[str, Seen]) -> None:
    problems = []
    for s in seen.values():
        for t in s.tables:
            bad = sorted(
                {
                    f"{t['headers'][i] if i < len(t['headers']) else i}={cell!r}"
                    for row in t["rows"]
                    for i, cell in enumerate(row)
                    if RAW_CELL.search(cell)
                }
            )
            if t["missing"] is None:
                bad.append("its missing values could not be read from the grid")
            else:
                bad += [f"{column}='None' ({n} missing value(s))" for column, n in t["missing"].items()]
            if bad:
                problems.append(f"{s.name}: table {t['key']!r}: {'; '.join(bad[:6])}")
    assert not problems, _report(problems)


def test_no_sideways_scrolling_of_the_page(seen: dict[str, Seen]) -> None:
    problems = [
        f"{s.name}: page {s.facts['page_width']} px / main {s.facts['main_width']} px wide in a "
        f"{s.facts['inner_width']} px window; too wide: {', '.join(s.facts['wide']) or '?'}"
        for s in seen.values()
        if s.facts["page_width"] > s.facts["inner_width"] + 1
        or s.facts["main_width"] > s.facts["main_client_width"] + 1
    ]
    assert not problems, _report(problems)


def test_the_scorecard_shows_whole(seen: dict[str, Seen]) -> None:
    """Desktop: the scorecard's rows all rendered, no scrolling inside it. Phone: a card for each KPI, visible,
    with its value and RAG."""
    problems = []
    for name in ("overview", "overview-hartlepool"):
        s = seen[name]
        if _is_phone(seen):
            cards = s.facts["cards"]
            if cards is None or not cards["visible"]:
                problems.append(f"{name}: no visible KPI cards (st-key-scorecard_cards)")
                continue
            for kpi in KPIS:
                card = next((c for c in cards["cards"] if c["title"].split(" ")[0] == kpi), None)
                if card is None or not card["visible"]:
                    problems.append(f"{name}: no visible card for {kpi}")
                elif not _shows_value(card):
                    problems.append(f"{name}: card {kpi} shows no value: {card}")
                elif not _shows_rag(card):
                    problems.append(f"{name}: card {kpi} shows no RAG: {card}")
        else:
            table = next((t for t in s.tables if t["key"] in ("scorecard", "scorecard_wide")), None)
            if table is None:
                problems.append(f"{name}: no scorecard table")
            elif not table["whole"]:
                problems.append(f"{name}: the scorecard scrolls inside its box: {table['inner']}")
    assert not problems, _report(problems)


def _shows_value(card: dict[str, Any]) -> bool:
    """A card's value is a figure, or '–' with no RAG when the locality has no records for the KPI."""
    return bool(re.search(r"\d", card["value"])) or (card["value"] == "–" and card["rag"].startswith("RAG –"))


def _shows_rag(card: dict[str, Any]) -> bool:
    """A card's RAG is Green, Amber or Red; '–' only where there is none to give: a KPI with no target (a
    count for context), a rate on too few records ('n of N'), or no value."""
    if any(rag in card["rag"] for rag in RAGS):
        return True
    said = f"{card['rag']} {card['target']}".lower()
    no_target = "no target" in said or card["target"].replace("Target", "").strip() == "–"
    return card["rag"].startswith("RAG –") and (no_target or " of " in card["value"] or card["value"] == "–")


def test_the_overview_shows_trend_charts(seen: dict[str, Seen]) -> None:
    """Trend charts of KPIs over quarters on the first page; compared, each locality has its own line."""
    trends = [c for c in seen["overview"].charts if any(quarter_key(x) for t in c["traces"] for x in t["x"])]
    assert trends, "the overview has no chart over quarters"
    compared = [t["name"] for c in seen["overview-compare"].charts for t in c["traces"]]
    assert "Hartlepool" in compared and "Stockton-on-Tees" in compared, compared


def test_no_serious_or_critical_accessibility_violation(seen: dict[str, Seen]) -> None:
    problems = [f"{s.name}: {v}" for s in seen.values() for v in s.axe]
    assert not problems, _report(problems)
