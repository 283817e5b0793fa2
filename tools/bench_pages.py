"""Slow-network page benchmark (a measurement, not a test).

Loads the home page, a phase page and a chat answer in headless Chromium with network
emulation (Chrome DevTools Protocol Network.emulateNetworkConditions: 400 kbit/s down and up,
400 ms latency), in standard and simplified mode, cold cache then warm cache. Reports the time
until the page is usable (DOMContentLoaded) and fully loaded (load), and the bytes transferred.
Prints a table and writes bench/results/pages.json.

Usage: .venv/bin/python tools/bench_pages.py [--runs 3]
Starts its own server (werkzeug thread on 127.0.0.1, demo data, temporary instance folder).
"""

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
NETWORK = {"offline": False, "latency": 400,
           "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
QUESTION = "Qu'est-ce que l'intelligence artificielle ?"
TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const all = [nav, ...performance.getEntriesByType('resource')];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          bytes: all.reduce((n, e) => n + (e.transferSize || 0), 0)};
}"""


def start_server(folder: Path) -> tuple[object, str]:
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db

    app = create_app({
        "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "RATELIMIT_ENABLED": False, "CHATBOT_CACHE_DIR": str(folder / "chatbot-index"),
    })
    with app.app_context():
        db.create_all()
        loader = app.extensions.get("parlons_ia.load_demo")
        if loader:
            loader()
        from chatbot.web.bots import get_chatbot
        get_chatbot()  # build the index before timing anything
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def phase_path(base: str, page) -> str:
    page.goto(base + "/consultations/")
    link = page.locator("main a[href^='/consultations/']").first
    page.goto(base + link.get_attribute("href"))
    phase = page.locator("main a[href*='/imaginer'], main a[href*='/entrevue']").first
    return phase.get_attribute("href") if phase.count() else "/consultations/"


def load(page, url: str) -> dict:
    page.goto(url, wait_until="load")
    return page.evaluate(TIMING_JS)


def chat_answer(page, base: str, simple: bool) -> dict:
    """Time from sending the question to the answer on screen (the chat page already open,
    loaded with the same cache state)."""
    page.fill("#question", QUESTION)
    before = page.locator(".chat-answer").count()
    started = time.perf_counter()
    page.locator("form.chat-form button[type=submit]").click()
    if simple:  # no script: POST, redirect, full page
        page.wait_for_url("**/chat*#reponse-*", wait_until="domcontentloaded")
        usable = (time.perf_counter() - started) * 1000
        page.wait_for_load_state("load")
    else:  # htmx: the answer is appended to the conversation
        page.locator(".chat-answer").nth(before).wait_for()
        usable = (time.perf_counter() - started) * 1000
    loaded = (time.perf_counter() - started) * 1000
    sizes = page.evaluate("""since => performance.getEntriesByType('resource')
        .concat(performance.getEntriesByType('navigation'))
        .filter(e => e.startTime > performance.now() - since)
        .reduce((n, e) => n + (e.transferSize || 0), 0)""", loaded + 50)
    return {"dcl": usable, "load": loaded, "bytes": sizes}


def measure(browser, base: str, mode: str, phase: str) -> list[dict]:
    from urllib.parse import urlsplit
    host = urlsplit(base).hostname
    context = browser.new_context(locale="fr-CA")
    context.add_cookies([{"name": "mode", "value": mode, "domain": host, "path": "/"}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    rows = []
    for cache in ("cold", "warm"):
        if cache == "cold":
            cdp.send("Network.clearBrowserCache")
        else:
            page.goto(base + "/")  # fill the cache on a fast network first
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        for name, path in (("home", "/"), ("phase page", phase)):
            if cache == "cold":
                cdp.send("Network.clearBrowserCache")
            rows.append({"page": name, "path": path, "mode": mode, "cache": cache,
                         **load(page, base + path)})
        if cache == "cold":
            cdp.send("Network.clearBrowserCache")
        page.goto(base + "/chat", wait_until="load")
        rows.append({"page": "chat answer", "path": "/chat (POST)", "mode": mode,
                     "cache": cache, **chat_answer(page, base, mode == "simple")})
        cdp.send("Network.emulateNetworkConditions",
                 {"offline": False, "latency": 0, "downloadThroughput": -1,
                  "uploadThroughput": -1})
        if cache == "cold":
            cdp.send("Network.clearBrowserCache")
    context.close()
    return rows


def median_rows(runs: list[list[dict]]) -> list[dict]:
    merged = []
    for rows in zip(*runs, strict=True):
        first = dict(rows[0])
        for key in ("dcl", "load", "bytes"):
            first[key] = statistics.median(row[key] for row in rows)
        merged.append(first)
    return merged


def measure_pages(runs: int) -> tuple[str, list[dict]]:
    """Median timings and bytes per page, mode and cache state, over `runs` runs."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, base = start_server(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page()
                phase = phase_path(base, page)
                page.close()
                rows = []
                for mode in ("standard", "simple"):
                    rows += median_rows([measure(browser, base, mode, phase)
                                         for _ in range(runs)])
                browser.close()
        finally:
            server.shutdown()
    return phase, rows


def run(table: list, data: dict, runs: int = 3) -> None:
    """The `pages` section of tools/bench.py: one row per page, mode and cache state."""
    phase, rows = measure_pages(runs)
    data["pages"] = {"network": NETWORK, "runs": runs, "phase_path": phase, "results": rows}
    for row in rows:
        table.append(("pages", f"{row['page']} {row['mode']} {row['cache']}: usable / load, "
                               "bytes", f"{row['dcl']:.0f} / {row['load']:.0f} ms, "
                               f"{row['bytes'] / 1024:.1f} KB",
                      "400 kbit/s, 400 ms; ≤ 50 KB first, ≤ 15 KB repeat"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench/results/pages.json"))
    options = parser.parse_args()
    phase, rows = measure_pages(options.runs)
    print(f"Network: {NETWORK['downloadThroughput'] * 8 / 1000:.0f} kbit/s down and up, "
          f"{NETWORK['latency']} ms latency; median of {options.runs} runs")
    print(f"{'page':12} {'mode':9} {'cache':5} {'usable (DCL)':>13} {'load':>9} {'bytes':>9}")
    for row in rows:
        print(f"{row['page']:12} {row['mode']:9} {row['cache']:5} {row['dcl']:10.0f} ms "
              f"{row['load']:6.0f} ms {row['bytes'] / 1024:6.1f} KB")
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"network": NETWORK, "runs": options.runs, "phase_path": phase,
                               "results": rows}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
