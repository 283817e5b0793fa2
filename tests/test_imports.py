"""Imports that take what people have, and that hostile files cannot break (issues 13 and 16).

Spreadsheets: encodings, separators, line endings, labels instead of codes, .xlsx, a preview
before saving, rows imported twice caught. JSON documents: the whole document checked against
its schema before anything is written, problems named by JSON path. Per-route size limits.
"""

import copy
import io
import json

import openpyxl
import pytest

from app.extensions import db
from consultations.models import Answer, Consultation, Feedback, Idea, Participant, Phase
from consultations.workspace.models import EntrySession, ImportedRow, PendingImport
from tests.consultations_factory import count, make_consultation
from tests.test_workspace_exports import fill
from tests.workspace_factory import act_as, make_user

SQLITE_ONLY = pytest.mark.parametrize("app", ["sqlite"], indirect=True)
CSV_LIMIT = 5 * 1024 * 1024
JSON_LIMIT = 50 * 1024 * 1024


def facilitator_world(app, client) -> dict:
    with app.app_context():
        consultation = make_consultation()
        act_as(client, make_user("facilitator", team=consultation))
        return {"interview": consultation.phase("interview").id,
                "imagine": consultation.phase("imagine").id,
                "prototype": consultation.phase("prototype").id,
                "results": consultation.phase("results").id,
                "prompts": [p.id for p in consultation.phase("interview").prompts],
                "finding": consultation.phase("results").findings[0].id}


def send(client, url, content: bytes, name="lignes.csv"):
    return client.post(url, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def upload_rows(client, phase_id, content: bytes, name="lignes.csv"):
    return send(client, f"/animation/etapes/{phase_id}/import", content, name)


def import_rows(client, phase_id, content: bytes, name="lignes.csv", **choice):
    """Upload, read the preview, confirm: the preview page's HTML."""
    response = upload_rows(client, phase_id, content, name)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    done = client.post(response.headers["Location"], data={"action": "confirm", **choice})
    assert done.status_code == 303
    return preview.get_data(as_text=True)


def page(response) -> str:
    return response.get_data(as_text=True)


# Spreadsheets that people have ---------------------------------------------------------------

def excel_csv(world) -> bytes:
    """What French Excel on Windows saves: Windows-1252, `;`, CRLF, answers in words."""
    first, choice, scale = world["prompts"]
    text = (f"channel;session;date;question_{first};question_{choice};question_{scale};"
            "age_band\r\n"
            f"Sur papier;Bibliothèque;12/03/2025;Une machine qui décide;Oui;4;18 à 34 ans\r\n"
            f"paper;Bibliothèque;2025-03-12;Ça m’inquiète un peu;Non;2;\r\n"
            f"Par téléphone;;;Je ne sais pas trop;yes;;35 à 54 ans\r\n")
    return text.replace("’", "'").encode("cp1252")


def test_windows_1252_semicolon_csv_with_oui_non_imports_after_a_preview(app, client):
    world = facilitator_world(app, client)
    response = upload_rows(client, world["interview"], excel_csv(world))
    assert response.status_code == 303
    with app.app_context():
        assert count(Answer) == 0  # nothing before the confirmation
    preview = page(client.get(response.headers["Location"]))
    assert "Windows-1252" in preview and "séparateur « ; »" in preview
    assert "3 lignes sont prêtes à être importées" in preview
    assert "Une machine qui décide" in preview and "Oui" in preview
    assert client.post(response.headers["Location"],
                       data={"action": "confirm"}).status_code == 303
    with app.app_context():
        values = sorted(a.value for a in db.session.execute(db.select(Answer)).scalars())
        assert values == sorted(["Une machine qui décide", "0", "4", "Ça m'inquiète un peu",
                                 "1", "2", "Je ne sais pas trop", "0"])
        assert {s.channel for s in db.session.execute(db.select(EntrySession)).scalars()} \
            == {"paper", "phone"}
        assert count(ImportedRow) == 3 and count(PendingImport) == 0
        ages = {p.age_band for p in db.session.execute(db.select(Participant)).scalars()}
        assert {"18_34", "35_54"} <= ages


def test_the_same_file_again_is_caught_and_skipped_unless_asked(app, client):
    world = facilitator_world(app, client)
    import_rows(client, world["interview"], excel_csv(world))
    # The same answers saved as UTF-8 with commas: still the same rows.
    again = upload_rows(client, world["interview"],
                        excel_csv(world).decode("cp1252").replace(";", ",").encode())
    preview = page(client.get(again.headers["Location"]))
    assert "Toutes les lignes de ce fichier ont déjà été importées" in preview
    client.post(again.headers["Location"], data={"action": "confirm", "repeated": "skip"})
    with app.app_context():
        assert count(EntrySession) == 3
    import_rows(client, world["interview"], excel_csv(world), repeated="import")
    with app.app_context():
        assert count(EntrySession) == 6


def test_some_rows_already_imported_are_named(app, client):
    world = facilitator_world(app, client)
    header = "channel,session,idea\n"
    import_rows(client, world["imagine"], (header + "paper,A,Première idée\n").encode())
    preview = import_rows(client, world["imagine"],
                          (header + "paper,A,Première idée\npaper,A,Deuxième idée\n").encode())
    assert "1 ligne a déjà été importée" in preview and "Lignes : 2." in preview
    with app.app_context():
        assert sorted(i.text for i in db.session.execute(db.select(Idea)).scalars()) == \
            ["Deuxième idée", "Première idée", "une idée existante"]


def test_xlsx_imports_after_a_preview(app, client):
    world = facilitator_world(app, client)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["channel", "session", "date", "idea", "conditions"])
    from datetime import datetime
    sheet.append(["En personne (atelier)", "Atelier du 3", datetime(2025, 3, 3), "Une idée",
                  "Je sais quand l'IA est utilisée; can_contest"])
    sheet.append(["paper", None, None, 12, None])
    out = io.BytesIO()
    book.save(out)
    preview = import_rows(client, world["imagine"], out.getvalue(), "lignes.xlsx")
    assert "Excel .xlsx" in preview and "3 mars 2025" in preview
    with app.app_context():
        idea = db.session.execute(db.select(Idea).filter_by(text="Une idée")).scalar_one()
        assert idea.conditions == ["know_when", "can_contest"]
        assert idea.created_at.date().isoformat() == "2025-03-03"
        assert db.session.execute(db.select(Idea).filter_by(text="12")).scalar_one()


def test_feedback_accepts_labels_and_yes_no_words(app, client):
    world = facilitator_world(app, client)
    column = f"finding_{world['finding']}_reflects"
    import_rows(client, world["results"],
                f"channel,{column}\npaper,Oui\nphone,en partie\npaper,NO\n".encode("utf-8-sig"))
    with app.app_context():
        assert sorted(f.reflects for f in db.session.execute(db.select(Feedback)).scalars()) \
            == ["no", "partly", "yes"]


def test_an_unknown_answer_lists_what_may_be_written(app, client):
    world = facilitator_world(app, client)
    response = upload_rows(client, world["interview"],
                           f"channel,question_{world['prompts'][1]}\npaper,Peut-être\n".encode())
    assert response.status_code == 422
    assert "Réponses possibles : Oui (0), Non (1)" in page(response)


def test_cancel_keeps_nothing(app, client):
    world = facilitator_world(app, client)
    response = upload_rows(client, world["imagine"], b"channel,idea\npaper,Une idee\n")
    client.post(response.headers["Location"], data={"action": "cancel"})
    with app.app_context():
        assert count(PendingImport) == 0 and count(EntrySession) == 0
    assert client.get(response.headers["Location"]).status_code == 404


def test_a_preview_belongs_to_the_person_who_uploaded_it(app, client):
    world = facilitator_world(app, client)
    response = upload_rows(client, world["imagine"], b"channel,idea\npaper,Une idee\n")
    with app.app_context():
        team = db.session.get(Phase, world["imagine"]).consultation  # a colleague on the team
        act_as(client, make_user("facilitator", "autre@example.org", team=team))
    assert client.get(response.headers["Location"]).status_code == 404
    assert client.post(response.headers["Location"],
                       data={"action": "confirm"}).status_code == 404
    with app.app_context():
        assert count(EntrySession) == 0


def test_the_import_page_documents_codes_and_labels(app, client):
    world = facilitator_world(app, client)
    text = page(client.get(f"/animation/etapes/{world['interview']}/import"))
    assert "Oui (<code>0</code>)" in text and "18 à 34 ans (<code>18_34</code>)" in text
    assert "Windows-1252" in text and "5 Mo au plus" in text


# Hostile spreadsheets (issue 16, items 6 and 13) -------------------------------------------

def test_cr_only_line_endings_are_read(app, client):
    world = facilitator_world(app, client)
    import_rows(client, world["imagine"], b"channel,idea\rpaper,Idee A\rphone,Idee B\r")
    with app.app_context():
        assert count(EntrySession) == 2


def test_a_field_over_the_csv_module_limit_is_a_clear_422(app, client):
    world = facilitator_world(app, client)
    content = b"channel,idea\npaper,\"" + b"x" * 131_073 + b"\"\n"
    response = upload_rows(client, world["imagine"], content)
    assert response.status_code == 422
    assert "Une cellule est trop longue" in page(response)


def test_a_nul_byte_does_not_survive_the_import(app, client):
    world = facilitator_world(app, client)
    import_rows(client, world["imagine"], b"channel,session,idea\npaper,At\x00elier,Une\x00 idee\n")
    with app.app_context():
        assert "Une idee" in db.session.execute(db.select(Idea.text)).scalars().all()
        assert db.session.execute(db.select(EntrySession.session_name)).scalar_one() == "Atelier"


def test_a_nul_byte_in_the_file_name_is_dropped_on_both_imports(app, client):
    """The name is stored with the upload for its preview: PostgreSQL answered 500."""
    document = small_document(app, client)
    as_admin(app, client)
    document["consultation"]["slug"] = "neuve"
    response = send(client, "/animation/import", json.dumps(document).encode(), "c\x00.json")
    assert response.status_code == 303
    assert "« c.json »" in page(client.get(response.headers["Location"]))
    with app.app_context():
        imagine = db.session.execute(db.select(Consultation)).scalar_one().phase("imagine").id
    response = upload_rows(client, imagine, b"channel,idea\npaper,Une idee\n", "lig\x00nes.csv")
    assert response.status_code == 303
    assert "« lignes.csv »" in page(client.get(response.headers["Location"]))


def test_an_unclosed_quote_and_a_binary_file_are_plain_422s(app, client):
    world = facilitator_world(app, client)
    for content in (b"channel,idea\npaper,\"jamais ferm\xe9\n\"x\"y,\"", b"\x81\x8d\x8f" * 50,
                    b"PK\x03\x04 not a zip", b""):
        response = upload_rows(client, world["imagine"], content)
        assert response.status_code == 422, content
        assert "Rien n’a été enregistré" in page(response)


# Per-route limits (issue 16, item 7) ----------------------------------------------------------

def padded_csv(size: int) -> bytes:
    """A valid file of exactly `size` bytes: one long idea per row, the last one cut to fit."""
    header, row = b"channel,idea\n", b"paper," + b"a" * 1900 + b"\n"
    body = header + row * ((size - len(header)) // len(row))
    return body + b"paper," + b"b" * (size - len(body) - 7) + b"\n" if size - len(body) > 7 \
        else body + b"\n" * (size - len(body))


@SQLITE_ONLY
def test_csv_limit_is_reachable_and_exact(app, client):
    world = facilitator_world(app, client)
    assert len(padded_csv(400 * 1024)) == 400 * 1024
    assert upload_rows(client, world["imagine"], padded_csv(400 * 1024)).status_code == 303
    assert upload_rows(client, world["imagine"], padded_csv(CSV_LIMIT)).status_code == 303
    over = upload_rows(client, world["imagine"], padded_csv(CSV_LIMIT + 1))
    assert over.status_code == 413
    assert "la limite est de 5 Mo" in page(over) and "<form" in page(over)


def small_document(app, client) -> dict:
    consultation_id = fill(app, client)
    return client.get(f"/animation/consultations/{consultation_id}/export.json").get_json()


def as_admin(app, client):
    with app.app_context():
        act_as(client, make_user("admin", "admin@example.org"))


@SQLITE_ONLY
def test_json_limit_is_reachable_and_exact(app, client):
    document = small_document(app, client)
    as_admin(app, client)
    document["consultation"]["slug"] = "autre"
    body = json.dumps(document).encode()
    exact = body + b" " * (JSON_LIMIT - len(body))
    assert send(client, "/animation/import", exact, "c.json").status_code == 303
    over = send(client, "/animation/import", exact + b" ", "c.json")
    assert over.status_code == 413 and "la limite est de 50 Mo" in page(over)


@SQLITE_ONLY
def test_a_body_far_over_the_limit_gets_the_friendly_413(app, client):
    world = facilitator_world(app, client)
    response = upload_rows(client, world["imagine"], b"x" * (CSV_LIMIT + 200 * 1024))
    assert response.status_code == 413
    assert "la limite est de 5 Mo" in page(response) and "Retour à l’accueil" in page(response)
    # Elsewhere the site-wide limit still holds.
    assert client.post("/api/chat", data=b"x" * (300 * 1024),
                       content_type="application/json").status_code == 413


# JSON documents (issue 16, item 1) -----------------------------------------------------------

def public_site_answers(client) -> None:
    for url in ("/", "/consultations/"):
        assert client.get(url).status_code == 200, url


def nine_shapes(document: dict) -> dict:
    def changed(change):
        copied = copy.deepcopy(document)
        copied["consultation"]["slug"] = "neuve"
        change(copied)
        return copied

    def deep(d):  # parseable, but far deeper than any real document
        nested = []
        for _level in range(200):
            nested = [nested]
        d["phases"][0]["prompts"] = nested

    def consultation_list(d):
        d["consultation"] = [d["consultation"]]

    def duplicate_phase(d):
        d["phases"].append(copy.deepcopy(d["phases"][1]))

    def duplicate_answer(d):
        d["contributions"]["answers"].append({**d["contributions"]["answers"][0],
                                              "ref": "answer-99"})

    def integer_theme_ref(d):
        d["phases"][1]["themes"][0]["contributions"][0]["ref"] = 5

    return {
        "integer title": (changed(lambda d: d["consultation"].update(title=123)),
                          "consultation.title"),
        "deep nesting": (changed(deep), "phases[0].prompts"),
        "consultation as a list": (changed(consultation_list), "consultation"),
        "unknown status": (changed(lambda d: d["consultation"].update(status="archived")),
                           "consultation.status"),
        "duplicate phase": (changed(duplicate_phase), "phases[4].kind"),
        "huge duration": (changed(lambda d: d["consultation"].update(duration_minutes=10**30)),
                          "consultation.duration_minutes"),
        "unknown channel": (changed(lambda d: d["contributions"]["ideas"][0].update(
            channel="pigeon")), "contributions.ideas[0].channel"),
        "duplicate answer": (changed(duplicate_answer), "contributions.answers[1]"),
        "integer theme reference": (changed(integer_theme_ref),
                                    "phases[1].themes[0].contributions[0].ref"),
    }


def test_nine_malformed_documents_are_refused_by_path_and_store_nothing(app, client):
    document = small_document(app, client)
    with app.app_context():
        # an answer to refer to, so a duplicate answer is a real duplicate
        answer_prompt = db.session.execute(db.select(Consultation)).scalar_one() \
            .phase("interview").prompts[0]
        person = db.session.execute(db.select(Participant)).scalars().first()
        db.session.add(Answer(prompt=answer_prompt, participant=person, value="Un texte"))
        db.session.commit()
    document = client.get(f"/animation/consultations/{_first_id(app)}/export.json").get_json()
    assert document["contributions"]["answers"] and document["phases"][1]["themes"]
    as_admin(app, client)
    with app.app_context():
        before = (count(Consultation), count(Idea), count(Participant))
    for name, (shape, path) in nine_shapes(document).items():
        response = send(client, "/animation/import", json.dumps(shape).encode(), "c.json")
        assert response.status_code == 422, name
        assert f"<code>{path}" in page(response), (name, page(response)[-3000:])
        with app.app_context():
            assert (count(Consultation), count(Idea), count(Participant)) == before, name
        public_site_answers(client)


def _first_id(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(Consultation.id)).scalar_one()


def test_json_text_nesting_surrogates_duplicate_keys_and_constants(app, client):
    as_admin(app, client)
    cases = {b"[" * 100_000: "imbriqué trop profondément",
             b'{"schema": "parlons-ia/consultation", "schema": "x"}': "apparaît deux fois",
             b'{"a": NaN}': "NaN n’est pas un nombre permis",
             b'{"a": ' + b"9" * 5000 + b"}": "nombre trop long",
             b"\xff\xfe{}": "pas en UTF-8", b"{": "pas un fichier JSON valide",
             b"[]": "doit contenir un objet JSON"}
    for content, words in cases.items():
        response = send(client, "/animation/import", content, "c.json")
        assert response.status_code == 422 and words in page(response), content[:30]


def test_a_lone_surrogate_is_refused_by_path(app, client):
    document = small_document(app, client)
    as_admin(app, client)
    document["consultation"]["slug"] = "neuve"
    document["contributions"]["ideas"][0]["text"] = "\ud800"
    response = send(client, "/animation/import", json.dumps(document).encode(), "c.json")
    assert response.status_code == 422
    assert "<code>contributions.ideas[0].text</code>" in page(response)


def test_a_valid_document_imports_after_a_preview_and_a_second_time_as_a_copy(app, client):
    document = small_document(app, client)
    as_admin(app, client)
    content = json.dumps(document).encode()
    response = send(client, "/animation/import", content, "c.json")
    assert response.status_code == 303
    preview = page(client.get(response.headers["Location"]))
    assert "existe déjà ici" in preview and "essai-2" in preview
    done = client.post(response.headers["Location"], data={"action": "confirm", "copy": "1"})
    assert done.status_code == 303
    with app.app_context():
        copied = db.session.execute(db.select(Consultation).filter_by(slug="essai-2")) \
            .scalar_one()
        assert copied.status == "draft" and count(Consultation) == 2
        assert count(PendingImport) == 0
    public_site_answers(client)
    # A second confirmation of the same preview does nothing more.
    client.post(response.headers["Location"], data={"action": "confirm", "copy": "1"})
    with app.app_context():
        assert count(Consultation) == 2


def test_nul_and_control_characters_are_dropped_from_json_text(app, client):
    document = small_document(app, client)
    as_admin(app, client)
    document["consultation"]["slug"] = "neuve"
    document["contributions"]["ideas"][0]["text"] = "Une\x00 idée\x07 propre"
    response = send(client, "/animation/import", json.dumps(document).encode(), "c.json")
    client.post(response.headers["Location"], data={"action": "confirm"})
    with app.app_context():
        texts = db.session.execute(db.select(Idea.text)).scalars().all()
        assert "Une idée propre" in texts


def test_the_preview_and_the_copy_read_the_cleaned_document(app, client):
    """A NUL in the slug is cleaned out at upload; the preview and the copy's address used
    the raw file: PostgreSQL refused the query (500), SQLite missed the existing slug and
    stored a copy under an address with the NUL in it."""
    document = small_document(app, client)
    as_admin(app, client)
    document["consultation"]["slug"] = "essai\x00"
    response = send(client, "/animation/import", json.dumps(document).encode(), "c.json")
    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    assert "existe déjà ici" in page(preview) and "essai-2" in page(preview)
    done = client.post(response.headers["Location"], data={"action": "confirm", "copy": "1"})
    assert done.status_code == 303
    with app.app_context():
        assert sorted(db.session.execute(db.select(Consultation.slug)).scalars()) == \
            ["essai", "essai-2"]


def test_days_and_moments_near_the_calendar_ends_are_refused(app, client):
    """Midnight of 0001-01-01 in Tokyo is in year 0 in UTC: confirming the import gave 500,
    and a document starting in year 1 was accepted."""
    world = facilitator_world(app, client)
    with app.app_context():
        consultation = db.session.get(Consultation, 1)
        consultation.time_zone = "Asia/Tokyo"
        db.session.commit()
    for day in ("0001-01-01", "31/12/9999", "1899-12-31"):
        response = upload_rows(client, world["imagine"],
                               f"channel,date,idea\npaper,{day},Une idée\n".encode())
        assert response.status_code == 422, day
        assert "entre 1900 et 2100" in page(response)
    import_rows(client, world["imagine"], b"channel,date,idea\npaper,2100-12-31,Une idee\n")
    document = client.get("/animation/consultations/1/export.json").get_json()
    as_admin(app, client)
    document["consultation"]["slug"] = "neuve"
    for where, moment in ((("consultation", "starts_at"), "0001-01-01T00:00:00+00:00"),
                          (("contributions", "ideas", 0, "created_at"),
                           "0001-01-01T00:00:00+14:00")):
        changed = copy.deepcopy(document)
        holder = changed
        for part in where[:-1]:
            holder = holder[part]
        holder[where[-1]] = moment
        response = send(client, "/animation/import", json.dumps(changed).encode(), "c.json")
        assert response.status_code == 422, where
        assert "entre 1900 et 2100" in page(response)


def test_the_document_time_zone_is_checked_and_kept(app, client):
    document = small_document(app, client)
    as_admin(app, client)
    document["consultation"].update(slug="neuve", time_zone="Mars/Olympus")
    response = send(client, "/animation/import", json.dumps(document).encode(), "c.json")
    assert response.status_code == 422
    assert "<code>consultation.time_zone</code>" in page(response)
    assert "fuseau horaire inconnu" in page(response)
    document["consultation"]["time_zone"] = "America/Vancouver"
    response = send(client, "/animation/import", json.dumps(document).encode(), "c.json")
    client.post(response.headers["Location"], data={"action": "confirm"})
    with app.app_context():
        imported = db.session.execute(db.select(Consultation).filter_by(slug="neuve")) \
            .scalar_one()
        assert imported.time_zone == "America/Vancouver"
