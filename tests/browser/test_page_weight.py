"""Byte budgets, measured in the browser: every page ≤ 50 KB transferred on a first visit
(HTML, CSS, JS, images — compressed, as sent), ≤ 15 KB on a repeat visit (cached CSS and JS),
no request to any other host, and no script at all in simplified mode.

Transfer sizes include response headers, as `transferSize` does.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import ask_chat, new_context, transferred

FIRST_VISIT_BUDGET = 50 * 1024
REPEAT_VISIT_BUDGET = 15 * 1024


KNOWN_OVER_BUDGET = {
}


def visit(tab, base: str, path: str | None) -> tuple[str, int]:
    if path is None:  # the chat page showing an answer (POST, then redirect)
        ask_chat(tab, base, "Qu'est-ce que l'intelligence artificielle ?")
        return "/chat", transferred(tab)["total"]
    tab.goto(base + path, wait_until="load")
    return path, transferred(tab)["total"]


@pytest.mark.parametrize("mode", ["standard", "simple"])
def test_pages_stay_within_their_byte_budget(browser, live_server, site_map, mode):
    hosts: set = set()
    table, over, scripted = {}, {}, []
    paths = [p for group, ps in site_map.groups.items() if group != "workspace" for p in ps]
    context = new_context(browser, live_server, "fr", mode)
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    scripts = []
    tab.on("request", lambda r: (hosts.add(urlsplit(r.url).netloc),
                                 r.resource_type == "script" and scripts.append(r.url)))
    for path in [*paths, None]:
        cdp.send("Network.clearBrowserCache")  # a first visit: nothing cached
        name, first = visit(tab, live_server, path)
        tab.goto(live_server + name, wait_until="load")  # a repeat visit
        repeat = transferred(tab)["total"]
        name = path or "/chat (answer)"
        table[name] = (first, repeat)
        if (first > FIRST_VISIT_BUDGET or repeat > REPEAT_VISIT_BUDGET) and \
                name not in KNOWN_OVER_BUDGET:
            over[name] = (first, repeat)
    context.close()
    if mode == "simple" and scripts:
        scripted = scripts
    print(f"\n{'page':55} first   repeat ({mode})")
    for name, (first, repeat) in table.items():
        print(f"{name:55} {first / 1024:5.1f} KB {repeat / 1024:5.1f} KB")
    assert hosts == {urlsplit(live_server).netloc}, "requests went to another host"
    assert scripted == [], "simplified pages load no script"
    assert over == {}, f"over budget (first ≤ 50 KB, repeat ≤ 15 KB): {over}"
