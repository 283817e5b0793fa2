"""Reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS px, nor at 1280 px zoomed to 200 %
(640 CSS px), on any page, in standard and simplified mode."""

import pytest

from tests.browser.helpers import ask_chat, log_in, new_context

VIEWPORTS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "1280px-zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
CASES = [("fr", "standard", "320px"), ("fr", "standard", "1280px-zoom-200"),
         ("en", "simple", "320px"), ("fr", "simple", "1280px-zoom-200")]
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (typeof el.className === 'string' && el.className
                 ? '.' + el.className.split(' ')[0] : ''));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(-5)};
}"""


def overflowing(tab, base: str, paths) -> dict:
    found = {}
    for path in paths:
        tab.goto(base + path)
        result = tab.evaluate(OVERFLOW_JS)
        if result:
            found[path] = result
    return found


@pytest.mark.parametrize(("lang", "mode", "size"), CASES, ids=["-".join(c) for c in CASES])
def test_no_horizontal_scrolling(browser, live_server, site_map, lang, mode, size):
    context = new_context(browser, live_server, lang, mode, **VIEWPORTS[size])
    tab = context.new_page()
    paths = [p for group, ps in site_map.groups.items() if group != "workspace" for p in ps]
    found = overflowing(tab, live_server, [*paths, "/introuvable"])
    ask_chat(tab, live_server, "Qu'est-ce que l'intelligence artificielle ?")
    if result := tab.evaluate(OVERFLOW_JS):
        found["/chat (answer)"] = result
    context.close()
    assert found == {}


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_facilitator_pages_reflow(browser, live_server, site_map, facilitator, size):
    context = new_context(browser, live_server, "fr", "standard", **VIEWPORTS[size])
    tab = context.new_page()
    log_in(tab, live_server, *facilitator)
    found = overflowing(tab, live_server, site_map.groups.get("workspace", []))
    context.close()
    assert found == {}
