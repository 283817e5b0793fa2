"""axe-core reports no WCAG 2.2 A/AA violation on the site's pages, in French and English."""

import pytest

from tests.browser.conftest import axe_violations

SITE_PAGES = ["/", "/ia-sur-ce-site", "/accessibilite", "/confidentialite", "/introuvable"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", SITE_PAGES)
def test_site_pages_have_no_axe_violation(page, live_server, axe_source, path, lang):
    page.goto(f"{live_server}/langue/{lang}?next={path}")
    assert page.evaluate("document.documentElement.lang") == lang
    assert axe_violations(page, axe_source) == []


def test_home_page_makes_no_request_to_another_host(page, live_server):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"{live_server}/")
    page.wait_for_load_state("networkidle")
    assert hosts == {live_server.split("/")[2]}
