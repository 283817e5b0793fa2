"""Simplified mode, site-wide from the header switch: big text, generous line height, a
high-contrast palette (at least 7:1, WCAG AAA), icons beside their words, no JavaScript at all
and fewer links than the standard page."""

import pytest

from tests.browser.helpers import click_to_page, new_context

MIN_FONT_PX = 20
MIN_LINE_HEIGHT = 1.6
MIN_CONTRAST = 7.0

READING_JS = """([minFont, minLine, minContrast]) => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => {
      v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const background = el => { for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; }
    return 'rgb(255, 255, 255)'; };
  const texts = [...document.querySelectorAll('main p, main li, main a, main label, main dd')]
    .filter(el => el.offsetParent !== null && el.textContent.trim());
  const small = [], tight = [], faint = [];
  for (const el of texts) {
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    if (size < minFont - 0.01) small.push([el.tagName, el.textContent.trim().slice(0, 40), size]);
    const line = s.lineHeight === 'normal' ? 1.2 : parseFloat(s.lineHeight) / size;
    if (line < minLine - 0.01) tight.push([el.tagName, el.textContent.trim().slice(0, 40), line]);
    const contrast = ratio(s.color, background(el));
    if (contrast < minContrast) faint.push([el.tagName, el.textContent.trim().slice(0, 40),
                                           Math.round(contrast * 100) / 100]);
  }
  const iconOnly = [...document.querySelectorAll('a, button')].filter(el =>
    el.querySelector('[aria-hidden=true]') &&
    !el.innerText.replace(/\\p{Extended_Pictographic}/gu, '').trim());
  const navWithoutIcon = [...document.querySelectorAll('.main-nav a, .preferences a')].filter(a =>
    getComputedStyle(a, '::before').content === 'none' && !a.querySelector('[aria-hidden=true]'))
    .map(a => a.textContent.trim());
  return {small: small.slice(0, 5), tight: tight.slice(0, 5), faint: faint.slice(0, 5),
          iconOnly: iconOnly.map(el => el.outerHTML.slice(0, 80)), navWithoutIcon,
          scripts: document.querySelectorAll('script').length,
          links: document.querySelectorAll('a[href]').length};
}"""


def public_paths(site_map) -> list[str]:
    return [p for group, ps in site_map.groups.items() if group != "workspace" for p in ps]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_simplified_mode_reads_easily_and_runs_no_script(browser, live_server, site_map, lang):
    context = new_context(browser, live_server, lang, "simple")
    tab = context.new_page()
    scripts = []
    tab.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    problems = {}
    for path in public_paths(site_map):
        tab.goto(live_server + path)
        assert tab.evaluate("document.documentElement.classList.contains('mode-simple')")
        found = tab.evaluate(READING_JS, [MIN_FONT_PX, MIN_LINE_HEIGHT, MIN_CONTRAST])
        issues = {k: v for k, v in found.items() if k not in ("links", "scripts") and v}
        if found["scripts"]:
            issues["script elements"] = found["scripts"]
        if issues:
            problems[path] = issues
    context.close()
    assert scripts == [], "simplified pages must not load any script"
    assert problems == {}


def test_simplified_pages_have_fewer_links(browser, live_server, site_map):
    counts = {}
    for mode in ("standard", "simple"):
        context = new_context(browser, live_server, "fr", mode)
        tab = context.new_page()
        for path in public_paths(site_map):
            tab.goto(live_server + path)
            counts.setdefault(path, {})[mode] = tab.evaluate(
                "document.querySelectorAll('a[href]').length")
        context.close()
    more = {path: c for path, c in counts.items() if c["simple"] > c["standard"]}
    assert more == {}, "a simplified page has more links than the standard one"
    assert sum(c["simple"] for c in counts.values()) < sum(c["standard"] for c in counts.values())
    assert all(c["simple"] < c["standard"] for c in counts.values()), counts


def test_switching_to_simplified_mode_from_the_header(browser, live_server):
    context = browser.new_context(locale="fr-CA")
    tab = context.new_page()
    tab.goto(live_server + "/consultations/")
    click_to_page(tab, tab.locator(".preferences a[href*='/affichage/simple']"))
    assert tab.url.endswith("/consultations/")
    assert tab.evaluate("document.documentElement.classList.contains('mode-simple')")
    assert tab.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= MIN_FONT_PX
    tab.goto(live_server + "/")
    assert tab.evaluate("document.documentElement.classList.contains('mode-simple')"), \
        "the choice holds across the site"
    context.close()
