"""The knowledge base as a facilitator uses it, on two gunicorn servers sharing one database
(PostgreSQL when TEST_DATABASE_URL is set), one index folder and one task queue (Redis when
TEST_REDIS_URL is set), with a real `flask tasks worker`: upload a PDF and a DOCX made here,
check the passages with the e-mail removed, publish, wait for the progress page, and ask both
servers a question only the new document answers; write a card from an unanswered question;
bad files get a plain message."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import knowledge_files as files
from tests.browser.conftest import axe_violations
from tests.browser.helpers import ask_chat, click_to_page, log_in

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PASSWORD = "kb-navigateur@example.org", "base-de-connaissances-2026"
UNANSWERED = "Quand ouvre la piscine municipale de Sainte-Adèle-des-Monts ?"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two gunicorn servers (2 workers each) and one background worker on shared state."""
    sys.path.insert(0, str(ROOT / "tools"))
    from load_check import start_server

    folder = tmp_path_factory.mktemp("kb-servers")
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'site.sqlite3'}"
    queue = os.environ.get("TEST_REDIS_URL") or f"sqlite:///{folder / 'tasks.sqlite3'}"
    env = {**os.environ, "FLASK_APP": "app:create_app", "DATABASE_URL": database,
           "SECRET_KEY": "kb-browser", "CHATBOT_CACHE_DIR": str(folder / "shared-index"),
           "TASK_QUEUE_URL": queue, "KB_POLL_SECONDS": "2", "RATELIMIT_ENABLED": "0",
           "TASK_STALE_SECONDS": "30"}
    _prepare(env, folder)
    started = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            server_env = {**env, "INSTANCE_PATH": str(folder / f"instance-{name}")}
            started.append(start_server(server_env, port, wait_seconds=90))
            env[f"URL_{name}"] = f"http://127.0.0.1:{port}"
        started.append(subprocess.Popen(
            [sys.executable, "-m", "flask", "tasks", "worker"], cwd=ROOT, start_new_session=True,
            env={**env, "INSTANCE_PATH": str(folder / "instance-worker")}))
        yield env["URL_a"], env["URL_b"]
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            process.wait(timeout=30)


def _prepare(env: dict, folder: Path) -> None:
    """Fresh tables (migrations, as in production) and one facilitator, before any server."""
    run = {**env, "INSTANCE_PATH": str(folder / "instance-setup")}
    if env["DATABASE_URL"].startswith("postgresql"):
        import sqlalchemy as sa
        engine = sa.create_engine(env["DATABASE_URL"].replace("postgresql://",
                                                              "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], env=run, check=True, cwd=ROOT,
                   capture_output=True)
    subprocess.run([*flask, "create-facilitator", EMAIL, "--role", "admin", "--password-stdin"],
                   env=run, check=True, cwd=ROOT, capture_output=True, input=f"{PASSWORD}\n",
                   text=True)


def _no_axe(tab, axe_source, where: str):
    assert axe_violations(tab, axe_source) == [], where


def _upload(tab, base: str, path: Path):
    tab.goto(base + "/animation/connaissances/documents/nouveau")
    tab.set_input_files("#w-file", str(path))
    tab.fill("#w-publisher", "Ville de Sainte-Adèle-des-Monts")
    click_to_page(tab, tab.locator("main form button[type=submit]"))


def _publish_and_wait(tab):
    click_to_page(tab, tab.locator("button[value=publish]"))
    assert "/animation/connaissances/index/" in tab.url
    tab.locator("#index-status[data-status=done]").wait_for(timeout=120_000)


def _answer_on(tab, base: str, question: str, expected: str, seconds: float = 60) -> str:
    """Ask until the answer holds `expected`: each worker swaps within KB_POLL_SECONDS."""
    deadline = time.monotonic() + seconds
    answer = ""
    while time.monotonic() < deadline:
        ask_chat(tab, base, question)
        answer = tab.locator(".chat-answer").last.inner_text()
        if expected in answer:
            return answer
        tab.goto(base + "/chat")
        tab.locator("form[action$='/chat/effacer'] button").click()
        time.sleep(1)
    pytest.fail(f"{base} never answered with {expected!r}; last answer: {answer[:300]}")


def test_upload_preview_publish_and_both_servers_answer(servers, browser, axe_source, tmp_path):
    first, second = servers
    pdf, docx = tmp_path / "registre-algorithmes.pdf", tmp_path / "robots-bibliotheque.docx"
    pdf.write_bytes(files.pdf_bytes(pages=3))
    docx.write_bytes(files.docx_bytes())
    context = browser.new_context(locale="fr-CA")
    tab = context.new_page()
    log_in(tab, first, EMAIL, PASSWORD)

    _upload(tab, first, pdf)
    _no_axe(tab, axe_source, "preview")
    assert tab.locator("#personal-data mark", has_text=files.EMAIL).count() == 1
    passages = tab.locator("#passages")
    assert files.EMAIL not in passages.inner_text() and passages.locator("mark").count() >= 1
    assert "quarante-deux" in passages.inner_text()
    _publish_and_wait(tab)
    _no_axe(tab, axe_source, "index job")
    answer = _answer_on(tab, first, files.QUESTION_FR, "quarante-deux")
    assert files.EMAIL not in answer

    _upload(tab, first, docx)
    assert tab.locator("#passages").inner_text().count("Prêt de robots conversationnels") >= 1
    _publish_and_wait(tab)

    visitor = browser.new_context(locale="fr-CA").new_page()  # the other server, no login
    _answer_on(visitor, second, files.QUESTION_FR, "quarante-deux")
    _answer_on(visitor, second, files.DOCX_QUESTION, "trois semaines")
    context.close()
    visitor.context.close()


def test_a_card_written_from_an_unanswered_question(servers, browser, axe_source):
    first, second = servers
    tab = browser.new_context(locale="fr-CA").new_page()
    ask_chat(tab, first, UNANSWERED)
    log_in(tab, first, EMAIL, PASSWORD)
    tab.goto(first + "/animation/connaissances/questions")
    _no_axe(tab, axe_source, "questions")
    row = tab.locator("tr", has_text=UNANSWERED)
    click_to_page(tab, row.get_by_role("link", name="Écrire une réponse"))
    assert tab.input_value("#w-questions-fr") == UNANSWERED
    _no_axe(tab, axe_source, "card form")
    tab.fill("#w-answer-fr", "La piscine ouvre le 24 juin. Le comité d'éthique n'en parle pas.")
    tab.fill("#w-answer-fr_simple", "La piscine ouvre le 24 juin.")
    tab.select_option("#w-source-0-doc", label="Registre des algorithmes")
    tab.fill("#w-source-0-quote", "recense quarante-deux systèmes")
    click_to_page(tab, tab.locator("button[value=publish]"))
    tab.locator("#index-status[data-status=done]").wait_for(timeout=120_000)
    _answer_on(tab, second, UNANSWERED, "La piscine ouvre le 24 juin")
    tab.context.close()


def test_knowledge_pages_reflow_at_320_pixels(servers, browser):
    """With documents, cards and long questions in them, no page scrolls sideways."""
    from tests.browser.test_reflow import VIEWPORTS, overflowing
    first, _second = servers
    tab = browser.new_context(locale="fr-CA", **VIEWPORTS["320px"]).new_page()
    ask_chat(tab, first, "Est-ce que quelqu'un peut m'expliquer pourquoi la bibliothèque "
             "municipale-intercommunale-régionale ferme à dix-sept heures ?")
    log_in(tab, first, EMAIL, PASSWORD)
    tab.goto(first + "/animation/connaissances/")
    pages = ["/animation/connaissances/", "/animation/connaissances/questions",
             tab.locator("main table a").first.get_attribute("href"),
             tab.locator("main table a").last.get_attribute("href")]
    assert overflowing(tab, first, pages) == {}
    tab.context.close()


@pytest.mark.parametrize(("name", "make", "message"), [
    ("protege.pdf", lambda: files.pdf_bytes(password="secret"), "protégé par un mot de passe"),
    ("vide.pdf", lambda: b"", "Ce fichier est vide"),
    ("archive.docx", files.zip_named_docx, "pas un vrai document Word"),
    ("lourd.pdf", files.large_bytes, "trop lourd : 20 Mo au plus"),
])
def test_bad_files_get_a_clear_message(servers, browser, tmp_path, name, make, message):
    first, _second = servers
    path = tmp_path / name
    path.write_bytes(make())
    tab = browser.new_context(locale="fr-CA").new_page()
    log_in(tab, first, EMAIL, PASSWORD)
    tab.goto(first + "/animation/connaissances/documents/nouveau")
    tab.set_input_files("#w-file", str(path))
    tab.fill("#w-title", "Essai")
    click_to_page(tab, tab.locator("main form button[type=submit]"))
    assert message in tab.locator(".error-summary").inner_text()
    tab.context.close()
