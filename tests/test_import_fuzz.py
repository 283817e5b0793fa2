"""Hostile files on both imports, on SQLite and PostgreSQL: never a response ≥ 500, never a
half-stored import, and the public site still answers after every accepted document.

JSON: a real exported document with one to three places changed to hostile values (wrong
types, huge numbers, surrogates, NUL, long texts, unknown keys, duplicated list items), or
broken at the byte level (duplicate keys, deep nesting, NaN, cut, BOM, invalid UTF-8).
Spreadsheets: random columns, separators, line endings and encodings; formulas, NUL, BOMs,
quotes, long and ragged rows; some .xlsx, some broken zips. The case count is printed.
"""

import contextlib
import copy
import io
import json
import re
from collections import Counter

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.extensions import db
from consultations.models import Consultation, Idea, Participant, Phase
from consultations.workspace.entry_import import template_columns
from consultations.workspace.models import EntrySession, ImportedRow
from consultations.workspace.questionnaire import entry_questions
from tests.consultations_factory import count
from tests.test_imports import facilitator_world, send
from tests.test_workspace_exports import fill
from tests.workspace_factory import act_as, make_user

CASES: Counter = Counter()
OUTCOMES: Counter = Counter()  # how far the cases went: a fuzz that only gets 422s tests little
EXAMPLES = {"sqlite": 150, "postgresql": 50}
FUZZ = {"deadline": None, "database": None,
        "suppress_health_check": [HealthCheck.function_scoped_fixture,
                                  HealthCheck.too_slow, HealthCheck.data_too_large]}

HOSTILE = [123, -1, 0, 2**31, 2**63, 10**30, 1e308, -1e308, 0.5, True, False, None, "",
           "x" * 6000, "\ud800", "a\x00b", "=cmd|' /C calc'!A0", "<script>alert(1)</script>",
           [], {}, [[[[[[[[[[[[[[]]]]]]]]]]]]]], {"fr": 1}, {"fr": "", "xx": "y"},
           "published", "2025-13-45T99:00:00", "9999-12-31T23:59:59+14:00",
           "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "0001-01-01", "idea-999",
           "Europe/Paris", "Mars/Olympus",
           "p-1", "idea-1", "imagine", "\u202eevil", "👩🏽‍💻" * 100]
# A file name is stored with the upload and shown on its preview.
file_name = st.one_of(st.just("fichier"), st.sampled_from(["a\x00b", " ", "x" * 300, "\u202eevil",
                                                         "../../etc/passwd", "<b>x</b>"]),
                      st.text(min_size=1, max_size=30))
hostile_value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                          st.integers(-2**70, 2**70), st.floats(allow_nan=False))


def places(value, path=()):
    """Every (path, value) in a document, containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from places(item, (*path, index))


def mutate(document, path, action, value):
    *parents, last = path
    holder = document
    for part in parents:
        holder = holder[part]
    if action == "replace":
        holder[last] = value
    elif action == "text" and isinstance(holder[last], str):  # the type is right, the text not
        holder[last] = value if isinstance(value, str) else "<img src=x onerror=alert(1)>"
    elif action == "delete":
        del holder[last]
    elif action == "unknown key" and isinstance(holder[last], dict):
        holder[last]["champ_inconnu"] = value
    elif action == "duplicate" and isinstance(holder, list):
        holder.append(copy.deepcopy(holder[last]))


def byte_level(raw: bytes, how: str) -> bytes:
    if how == "duplicate key":
        return raw.replace(b'"schema"', b'"version": 1, "schema"', 1)
    if how == "deep":
        return raw[:-1] + b', "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    if how == "nan":
        return raw.replace(b'"duration_minutes": 15', b'"duration_minutes": NaN', 1)
    if how == "cut":
        return raw[: len(raw) // 2]
    if how == "bom":
        return b"\xef\xbb\xbf" + raw
    if how == "latin-1":
        return raw.decode().encode("latin-1", "replace") + b"\xe9"
    return raw


@pytest.fixture(scope="module", autouse=True)
def report_case_count():
    yield
    print(f"\nimport fuzz cases: {sum(CASES.values())} ({dict(CASES)}); "
          f"outcomes: {dict(sorted(OUTCOMES.items()))}")


def examples(app) -> int:
    return EXAMPLES["postgresql" if "postgresql" in str(db.engine.url) else "sqlite"]


def check_pages(client, slug, consultation_id):
    """The public pages and the workspace pages that show an imported consultation."""
    public = [f"/consultations/{slug}{tail}"
              for tail in ("", "/entrevue", "/imaginer", "/prototyper", "/resultats")]
    staff = [f"/animation/consultations/{consultation_id}{tail}"
             for tail in ("", "/tableau-de-bord", "/export.csv", "/rapport.md")]
    for url in ("/", "/consultations/", *public, *staff):
        response = client.get(url)
        response.get_data()  # a streamed export fails while it is read
        assert response.status_code < 500, url


def stored(*models) -> tuple[int, ...]:
    return tuple(count(model) for model in models)


def test_hostile_json_documents(app, client):
    with app.app_context():
        document = client.get(f"/animation/consultations/{fill(app, client)}/export.json") \
            .get_json()
        act_as(client, make_user("admin", "admin@example.org"))
        runs = examples(app)
    paths = [path for path, _value in places(document) if path]
    seen = {"n": 0}

    @settings(max_examples=runs, **FUZZ)
    @given(changes=st.lists(st.tuples(st.sampled_from(paths),
                                      st.sampled_from(["replace", "text", "text", "delete",
                                                       "unknown key", "duplicate"]),
                                      hostile_value), min_size=1, max_size=3),
           how=st.sampled_from(["none"] * 6 + ["duplicate key", "deep", "nan", "cut", "bom",
                                               "latin-1"]),
           hostile_slug=st.one_of(st.none(), st.none(), st.none(), hostile_value,
                                  st.sampled_from(["essai", "a b", "../x", "É", "x" * 200])),
           name=file_name)
    def case(changes, how, hostile_slug, name):
        seen["n"] += 1
        changed = copy.deepcopy(document)
        slug = f"fuzz-{seen['n']}"
        changed["consultation"]["slug"] = slug
        for path, action, value in changes:
            with contextlib.suppress(KeyError, IndexError, TypeError):
                mutate(changed, path, action, value)  # an earlier change may have removed it
        about = changed.get("consultation")
        if isinstance(about, dict) and (hostile_slug is not None or "slug" in about):
            about["slug"] = slug if hostile_slug is None else hostile_slug
        raw = byte_level(json.dumps(changed, ensure_ascii=True).encode(), how)
        with app.app_context():
            before = stored(Consultation, Phase, Participant, Idea)
        response = send(client, "/animation/import", raw, f"{name}.json")
        CASES["json"] += 1
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 303:
            preview = client.get(response.headers["Location"])
            assert preview.status_code == 200
            done = client.post(response.headers["Location"], data={"action": "confirm"})
            assert done.status_code in (303, 422), done.status_code
        accepted = response.status_code == 303 and done.status_code == 303
        OUTCOMES["json stored" if accepted else "json refused"] += 1
        with app.app_context():
            after = stored(Consultation, Phase, Participant, Idea)
            if not accepted:
                assert after == before  # nothing half-stored
                return
            assert after[0] == before[0] + 1
            new = db.session.execute(db.select(Consultation).order_by(Consultation.id.desc())
                                     .limit(1)).scalar_one()
            assert hostile_slug is not None or new.slug == slug
            slug, new_id = new.slug, new.id
        check_pages(client, slug, new_id)

    case()


def xlsx_bytes(rows) -> bytes:
    """An .xlsx file as Excel would save it: a worksheet cannot hold control characters."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell)[:30000] for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ACCEPTED_TEXTS = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)", "\tx", "a\x00b", "\ufeffa",
                  '"', '""', "a\rb", "a\nb", "\u2028x", "\u202eevil", "x\u200by", "x" * 2000,
                  "é" * 200, "👩🏽‍💻" * 50, "<script>alert(1)</script>", "{{ 7*7 }}",
                  "**gras** [lien](javascript:alert(1))"]
CELLS = [*ACCEPTED_TEXTS, "\x00", "\u200b", " ", "x" * 2001, "x" * 2500, "2025-02-29",
         "0001-01-01", "99999-01-01", "01/01/0001", "Peut-être", "6", "-1", "1.0"]
hostile_cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=30))
DATES = ["2025-03-12", "12/03/2025", "0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999",
         "1/1/2025", ""]


def column_values(app, phase_id) -> dict[str, list[str]]:
    """What a person would write in each column: codes and labels of its choices, dates in
    both formats (the oldest and latest too); in free-text columns, hostile texts that are
    still answers (formulas, controls, bidi, emoji, the longest text allowed)."""
    with app.test_request_context():
        phase = db.session.get(Phase, phase_id)
        questions = {question.name: question for question in entry_questions(phase)}
        columns = template_columns(phase)
    values = {name: ["Un texte", "Atelier du 3", *ACCEPTED_TEXTS] for name in columns}
    values["date"] = DATES
    for name, question in questions.items():
        words = [code for code, _label in question.options] + \
            [str(label) for _code, label in question.options]
        if question.kind == "multi":
            words += ["; ".join(words[:2]), "; ".join(words[-2:]) + ";"]
        if words:
            values[name] = [*words, f"  {words[-1].upper()} "]
    return values


@st.composite
def table(draw, values: dict[str, list[str]]):
    """A header of known columns (sometimes an unknown or a repeated one) and rows of what
    each column takes; in one file of four, any cell may be hostile or rows ragged."""
    header = draw(st.lists(st.sampled_from(sorted(values)), unique=True, min_size=1))
    if "channel" not in header and draw(st.integers(0, 5)):
        header.insert(draw(st.integers(0, len(header))), "channel")
    hostile = not draw(st.integers(0, 3))
    if hostile and not draw(st.integers(0, 3)):
        header.append(draw(st.sampled_from(["inconnue", "", header[0]])))
    rows = []
    for _row in range(draw(st.integers(0, 6))):
        cells = [draw(hostile_cell) if hostile and not draw(st.integers(0, 4))
                 else draw(st.sampled_from(values.get(name, [""]))) for name in header]
        if hostile and not draw(st.integers(0, 4)):
            cells = cells[:draw(st.integers(0, len(cells)))] or cells + ["de trop"]
        rows.append(cells)
    return header, rows


def rows_file(header, rows, separator, newline, encoding) -> bytes:
    def line(cells):
        return separator.join('"' + c.replace('"', '""') + '"'
                              if any(x in c for x in (separator, '"', "\n", "\r")) else c
                              for c in cells)
    text = newline.join(line(row) for row in [header, *rows]) + newline
    if encoding == "garbage":
        return bytes(ord(c) % 256 for c in text) + b"\x81\x8d"
    return text.encode(encoding, "replace") if encoding != "utf-16" else text.encode("utf-16")


def test_hostile_spreadsheets(app, client):
    world = facilitator_world(app, client)
    phases = [world[kind] for kind in ("interview", "imagine", "prototype", "results")]
    with app.app_context():
        runs = examples(app)
        consultation = db.session.get(Phase, phases[0]).consultation
        consultation.time_zone = "Asia/Tokyo"  # east of UTC: its midnight is the day before
        db.session.commit()
        consultation_id = consultation.id
    values = {phase_id: column_values(app, phase_id) for phase_id in phases}

    @settings(max_examples=runs, **FUZZ)
    @given(data=st.data(), phase_id=st.sampled_from(phases),
           separator=st.sampled_from([",", ";", "\t"]),
           newline=st.sampled_from(["\n", "\r\n", "\r"]),
           encoding=st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "cp1252",
                                     "utf-16", "garbage", "xlsx", "xlsx", "broken zip"]),
           name=file_name)
    def case(data, phase_id, separator, newline, encoding, name):
        header, rows = data.draw(table(values[phase_id]))
        if encoding == "xlsx":
            content, name = xlsx_bytes([header, *rows]), f"{name}.xlsx"
        elif encoding == "broken zip":
            content, name = b"PK\x03\x04" + bytes(range(256)) * 3, f"{name}.xlsx"
        else:
            content = rows_file(header, rows, separator, newline, encoding)
            name = f"{name}.csv"
        with app.app_context():
            before = (count(EntrySession), count(ImportedRow))
        response = send(client, f"/animation/etapes/{phase_id}/import", content, name)
        CASES["spreadsheet"] += 1
        assert response.status_code in (303, 422), response.status_code
        stored = 0
        if response.status_code == 303:
            preview = client.get(response.headers["Location"])
            assert preview.status_code == 200
            found = re.search(r"(\d+) lignes? (?:est|sont) prêtes? à être importées?",
                              preview.get_data(as_text=True))
            assert found, preview.get_data(as_text=True)[-2000:]
            stored = int(found.group(1))
            done = client.post(response.headers["Location"],
                               data={"action": "confirm", "repeated": "import"})
            assert done.status_code == 303
        OUTCOMES[f"spreadsheet {'stored' if stored else 'refused'}"] += 1
        with app.app_context():
            assert (count(EntrySession), count(ImportedRow)) == \
                (before[0] + stored, before[1] + stored)

    case()
    # Every page that shows what was imported still answers, with all of it stored.
    with app.app_context():
        act_as(client, make_user("admin", "admin@example.org"))
    pages = [f"/animation/consultations/{consultation_id}{tail}"
             for tail in ("", "/tableau-de-bord", "/export.csv", "/export.json", "/rapport",
                          "/rapport.md")]
    pages += ["/animation/moderation", "/animation/journal", "/", "/consultations/essai",
              *[f"/animation/etapes/{phase_id}/themes" for phase_id in phases]]
    for url in pages:
        response = client.get(url)
        response.get_data()
        assert response.status_code < 500, url
