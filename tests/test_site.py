"""The site pages answer in French and English, with the right language everywhere."""

import re

import pytest

PAGES = ["/", "/ia-sur-ce-site", "/accessibilite", "/confidentialite"]
# One string per page whose translation differs, so a missing catalogue shows up.
EXPECTED = {
    "/": ("Consultations ouvertes", "Open consultations"),
    "/ia-sur-ce-site": ("Ce que l’IA ne fait pas ici", "What AI does not do here"),
    "/accessibilite": ("Déclaration d’accessibilité", "Accessibility statement"),
    "/confidentialite": ("Vos renseignements personnels", "Your personal information"),
}


def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("path", PAGES)
def test_page_in_french_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert html_lang(response) == "fr"
    assert EXPECTED[path][0] in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_page_in_english_from_browser_language(client, path):
    response = client.get(path, headers={"Accept-Language": "en-CA,en;q=0.9"})
    assert response.status_code == 200
    assert html_lang(response) == "en"
    body = response.get_data(as_text=True)
    assert EXPECTED[path][1] in body
    assert EXPECTED[path][0] not in body


def test_explicit_choice_beats_browser_language(client):
    response = client.get("/langue/fr?next=/accessibilite", headers={"Accept-Language": "en"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/accessibilite"
    page = client.get("/accessibilite", headers={"Accept-Language": "en"})
    assert html_lang(page) == "fr"


def test_language_switch_is_a_plain_link_in_the_header(client):
    body = client.get("/").get_data(as_text=True)
    assert 'href="/langue/en?next=/"' in body
    client.get("/langue/en?next=/")
    assert html_lang(client.get("/")) == "en"
    assert 'href="/langue/fr?next=/"' in client.get("/").get_data(as_text=True)


def test_unknown_language_falls_back_to_french(client):
    client.get("/langue/xx")
    assert html_lang(client.get("/")) == "fr"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example",
                                    "javascript:alert(1)", ""])
def test_switch_never_redirects_off_site(client, target):
    response = client.get("/langue/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_easy_read_switch_is_remembered(client):
    assert "mode-standard" in client.get("/").get_data(as_text=True)
    client.get("/affichage/simple?next=/")
    body = client.get("/").get_data(as_text=True)
    assert 'class="mode-simple"' in body
    assert "htmx.min.js" not in body, "easy-read pages load no script"
    client.get("/affichage/standard?next=/")
    assert "mode-standard" in client.get("/").get_data(as_text=True)


def test_layout_has_skip_link_landmarks_and_footer_links(client):
    body = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#contenu">' in body
    assert '<main id="contenu"' in body
    for path in PAGES[1:]:
        assert f'href="{path}"' in body


def test_htmx_is_vendored_and_deferred(client):
    body = client.get("/").get_data(as_text=True)
    match = re.search(r'<script src="(/static/js/htmx\.min\.js\?v=[0-9a-f]+)" defer>', body)
    assert match, "htmx is loaded from this site, deferred"
    script = client.get(match.group(1))
    assert script.status_code == 200
    assert b"htmx" in script.data
    assert "immutable" in script.headers["Cache-Control"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("code,path", [(404, "/cette-page-nexiste-pas")])
def test_error_pages_are_friendly_and_translated(client, lang, code, path):
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert html_lang(response) == lang
    assert ("Page introuvable" if lang == "fr" else "Page not found") in body
    assert "Traceback" not in body


def test_no_third_party_reference_in_pages(client):
    for path in PAGES:
        body = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', body), path


def test_responses_are_gzipped(client):
    response = client.get("/confidentialite", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_navigation_pictures_are_inline_svg_beside_words_not_emoji(client):
    """Emoji need an emoji font: without one they show as empty boxes."""
    import re
    from pathlib import Path
    css = (Path(__file__).resolve().parents[1] / "app/static/css/site.css").read_text()
    assert not re.search(r"[\U0001F300-\U0001FAFF\u2190-\u21FF\u2700-\u27BF]", css)
    client.set_cookie("mode", "simple")
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('class="preferences"'):html.index("</header>")]
    links = re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)
    assert len(links) >= 4
    for inside in links:
        assert '<svg class="icon" aria-hidden="true"' in inside
        assert re.sub(r"<svg.*?</svg>", "", inside, flags=re.S).strip(), "words beside it"


def test_templates_translate_in_the_locale_of_the_moment(app):
    """Templates find the catalogue once per locale (app/i18n.py), not once per string, and
    still follow the request's language and force_locale()."""
    from unittest import mock

    import flask_babel
    from flask import render_template_string
    page = "{{ _('Accueil') }} " * 40 + "{{ ngettext('%(num)s soutien', '%(num)s soutiens', 2) }}"
    for accept, expected in (("fr", "Accueil"), ("en", "Home")):
        with app.test_request_context("/", headers={"Accept-Language": accept}):
            shown = render_template_string(page)
            assert shown.count(expected) == 40
            assert ("2 supporters" if accept == "en" else "2 soutiens") in shown
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        with flask_babel.force_locale("en"):
            assert "Home" in render_template_string(page)
        assert "Accueil" in render_template_string(page)
        looked_up = mock.patch.object(flask_babel.Domain, "get_translations", autospec=True,
                                      side_effect=flask_babel.Domain.get_translations)
        with looked_up as lookups:
            render_template_string(page)
        assert lookups.call_count <= 1
