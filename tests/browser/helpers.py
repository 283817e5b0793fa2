"""Helpers for the browser suite: which pages exist, contexts per language and reading mode,
keyboard steps, focus and byte measurements. Fixtures live in conftest.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from consultations.demo import PRACTICE_SLUG

LANGS = ("fr", "en")
MODES = ("standard", "simple")
COMBOS = [(lang, mode) for lang in LANGS for mode in MODES]

# GET routes that are not pages someone reads: redirects, plain text, files, JSON.
NOT_PAGES = {"static", "preferences.choose_language", "preferences.choose_mode", "pages.health"}
NOT_PAGE_WORDS = ("export", "csv", "json", "telecharger", "download", "deconnexion")
# Pages that only exist after an action no demo data performs: checked elsewhere or not at all.
NO_DEMO_DATA = {
    "/animation/themes/travaux/<int:job_id>",  # a theme-suggestion job in progress
    # A facilitator's own documents, cards and index jobs: tests/browser/test_knowledge.py
    "/animation/connaissances/documents/<int:document_id>",
    "/animation/connaissances/documents/<int:document_id>/nouvelle-version",
    "/animation/connaissances/fiches/<int:card_id>",
    "/animation/connaissances/index/<int:build_id>",
    "/animation/lien/<token>",  # an invitation link: checked in tests/browser/test_team_story.py
    # An entered sheet (the demo has none): tests/browser/test_accessibility.py types one.
    "/animation/etapes/<int:phase_id>/fiches/<int:participant_id>",
    "/animation/etapes/<int:phase_id>/fiches/<int:participant_id>/supprimer",
    # An upload waiting for its preview: tests/browser/test_imports_flow.py checks the
    # spreadsheet one with axe; the consultation JSON preview is not checked in a browser.
    "/animation/etapes/<int:phase_id>/import/<token>",
    "/animation/import/<token>",
}


@dataclass
class SiteMap:
    """Paths to visit, grouped so one test checks one group in one language and mode."""

    groups: dict[str, list[str]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # routes whose arguments we cannot fill

    def add(self, group: str, path: str) -> None:
        paths = self.groups.setdefault(group, [])
        if path not in paths:
            paths.append(path)

    def all_paths(self) -> list[str]:
        return [path for paths in self.groups.values() for path in paths]


def _models_by_name(db) -> dict[str, type]:
    names = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        names[cls.__name__.lower()] = cls
        names[cls.__tablename__.lower()] = cls
        names[cls.__tablename__.split("_")[-1].lower()] = cls
    return names


def _consultation_of(obj):
    for path in (("consultation",), ("phase", "consultation"), ("idea", "phase", "consultation"),
                 ("scenario", "phase", "consultation"), ("prompt", "phase", "consultation")):
        target = obj
        for name in path:
            target = getattr(target, name, None)
            if target is None:
                break
        if target is not None and hasattr(target, "slug"):
            return target
    return None


def _group_of(endpoint: str, rule: str) -> str:
    if rule.startswith("/animation"):
        return "workspace"
    if endpoint.startswith("chatbot.document"):
        return "corpus"
    if endpoint.startswith("chatbot."):
        return "chat"
    if endpoint.startswith("consultations."):
        return "consultations"
    return "site"


def discover_pages(app) -> SiteMap:
    """Every HTML page of the app, from url_map, with arguments filled in from the database."""
    from app.extensions import db

    site = SiteMap()
    with app.app_context():
        models = _models_by_name(db)
        consultations = []
        if "consultation" in models:
            consultations = db.session.execute(db.select(models["consultation"])).scalars().all()
            # The practice consultation repeats the open one's pages with every phase open:
            # tests/browser/test_easy_read.py walks it screen by screen instead.
            consultations = [c for c in consultations if c.slug != PRACTICE_SLUG]
        doc_ids = _document_ids(app)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            if rule.rule.startswith("/api/") or any(w in rule.rule for w in NOT_PAGE_WORDS):
                continue
            if re.search(r"\.[a-z0-9]+$", rule.rule) or rule.rule in NO_DEMO_DATA:
                continue  # a file (report.md, data.csv…), not a page
            if rule.endpoint in ("consultations.edit_contribution", "consultations.profile"):
                continue  # needs one's own contribution: tests/browser/test_accessibility.py
            group = _group_of(rule.endpoint, rule.rule)
            for values in _argument_sets(rule, models, consultations, doc_ids, db):
                if values is None:
                    site.unresolved.append(rule.rule)
                    break
                site.add(group, _build(rule, values))
                if group == "workspace":
                    break  # facilitator pages look the same for every consultation
    return site


def _document_ids(app) -> list[str]:
    try:
        from chatbot.web.bots import get_chatbot
        return [doc.id for doc in get_chatbot().documents]
    except Exception:  # the chatbot is optional for discovery
        return []


def _argument_sets(rule, models, consultations, doc_ids, db):
    """Argument values for each consultation the rule can be built for; None if for none."""
    args = sorted(rule.arguments)
    if not args:
        yield {}
        return
    if args == ["doc_id"]:
        yield from ({"doc_id": doc} for doc in doc_ids)
        return
    produced = False
    for consultation in consultations or [None]:
        values = {}
        for arg in args:
            value = _fill(arg, consultation, models, db)
            if value is None:
                break
            values[arg] = value
        else:
            produced = True
            yield values
    if not produced:
        yield None


def _fill(arg: str, consultation, models, db):
    if arg == "slug":
        return consultation.slug if consultation is not None else None
    if arg == "kind" or not arg.endswith("_id"):
        return None
    cls = models.get(arg[:-3].lower())
    if cls is None:
        return None
    if cls.__name__ == "Consultation" and consultation is not None:
        return consultation.id
    for obj in db.session.execute(db.select(cls).order_by(cls.id)).scalars():
        if consultation is None or _consultation_of(obj) in (None, consultation):
            return obj.id
    return None


def _build(rule, values: dict) -> str:
    return rule.build(values, append_unknown=False)[1]


def new_context(browser, base_url: str, lang: str = "fr", mode: str = "standard", **options):
    """A browser context that already chose its language and reading mode (cookies)."""
    host = urlsplit(base_url).hostname
    context = browser.new_context(locale="fr-CA" if lang == "fr" else "en-CA", **options)
    context.add_cookies([
        {"name": "lang", "value": lang, "domain": host, "path": "/"},
        {"name": "mode", "value": mode, "domain": host, "path": "/"},
    ])
    return context


def block_scripts(context) -> None:
    context.route("**/*.js", lambda route: route.abort())
    context.route("**/*.js?*", lambda route: route.abort())


FOCUS_INDICATOR_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body', visible: false};
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          text: (el.innerText || el.value || '').trim().slice(0, 60),
          visible: outline || shadow};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_INDICATOR_JS)


def tab_to(page, selector: str, limit: int = 80, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab) until `selector` has focus, checking a visible focus indicator
    at every stop. Returns the focused element's description."""
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        assert info["visible"], f"no visible focus indicator on {info} ({page.url})"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return info
    raise AssertionError(f"{selector} never received focus after {limit} × {key} on {page.url}")


TRANSFER_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const all = [nav, ...res].filter(Boolean);
  return {total: all.reduce((n, e) => n + (e.transferSize || 0), 0),
          entries: all.map(e => [e.name, e.transferSize || 0, e.initiatorType || 'navigation'])};
}"""


def transferred(page) -> dict:
    return page.evaluate(TRANSFER_JS)


def click_to_page(tab, locator) -> None:
    """Click a link or a submit button and return once the page it leads to has loaded.

    Playwright's click can return before a form's navigation starts; a load-state wait then
    finds the old page already loaded, and the next read sees it, or a half-parsed new one."""
    with tab.expect_navigation():
        locator.click()


def log_in(tab, base_url: str, email: str, password: str) -> None:
    tab.goto(base_url + "/animation/connexion")
    tab.fill("input[name=email]", email)
    tab.fill("input[name=password]", password)
    click_to_page(tab, tab.locator("main form button[type=submit]").first)
    assert "/connexion" not in tab.url, "logging in as the test admin failed"


def ask_chat(tab, base_url: str, question: str) -> None:
    tab.goto(base_url + "/chat")
    tab.fill("#question", question)
    tab.locator("form.chat-form button[type=submit]").click()
    tab.locator(".chat-answer").last.wait_for()
    tab.wait_for_load_state("networkidle")
