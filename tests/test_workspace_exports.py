"""Exports: the CSV (no personal data unless asked), the JSON document and its round trip."""

import csv
import io
import json

from app import create_app
from app.extensions import db
from consultations.models import Comment, Feedback, Idea, Participant, Reaction, Support
from consultations.workspace.models import EntrySession, Theme, ThemeMember
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user


def fill(app, client) -> int:
    """A consultation with every kind of contribution, an accepted and a rejected theme."""
    with app.app_context():
        consultation = make_consultation()
        act_as(client, make_user("facilitator", team=consultation))
        idea = db.session.execute(db.select(Idea)).scalars().first()
        person = Participant(age_band="18_34", region="Capitale-Nationale")
        db.session.add(person)
        db.session.flush()
        db.session.add(EntrySession(participant_id=person.id, channel="paper",
                                    session_name="Atelier", session_date=None))
        scenario = consultation.phase("prototype").scenarios[0]
        finding = consultation.phase("results").findings[0]
        db.session.add_all([
            Support(idea=idea, participant=person, channel="paper"),
            Comment(idea=idea, participant=person, text="D'accord, « avec » des accents",
                    channel="paper"),
            Reaction(scenario=scenario, participant=person, acceptability=2, usefulness=4,
                     concerns="Les erreurs", channel="paper"),
            Feedback(finding=finding, participant=person, reflects="partly", channel="paper"),
        ])
        accepted = Theme(phase_id=idea.phase_id, label="Savoir quand", status="accepted")
        accepted.members.append(ThemeMember(kind="idea", contribution_id=idea.id, score=0.9,
                                            text=idea.text))
        rejected = Theme(phase_id=idea.phase_id, label="Thème rejeté", status="rejected")
        rejected.members.append(ThemeMember(kind="idea", contribution_id=idea.id, score=0.5,
                                            text=idea.text))
        db.session.add_all([accepted, rejected])
        db.session.commit()
        return consultation.id


def read_csv(response, delimiter=","):
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=delimiter))


def test_csv_has_no_personal_data_by_default(app, client):
    consultation_id = fill(app, client)
    response = client.get(f"/animation/consultations/{consultation_id}/export.csv?lang=fr")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.is_streamed
    rows = read_csv(response)
    columns = set(rows[0])
    assert not columns & {"Personne (pseudonyme)", "Tranche d’âge", "Région", "participant"}
    assert {row["Type"] for row in rows} == {"Idée", "Soutien", "Commentaire", "Réaction",
                                             "Avis sur un résultat"}
    idea = next(row for row in rows if row["Type"] == "Idée")
    assert idea["Thèmes"] == "Savoir quand"  # the rejected theme is not exported
    assert idea["Soutiens"] == "1"
    assert idea["Conditions de confiance"] == "Je sais quand l'IA est utilisée"
    comment = next(row for row in rows if row["Type"] == "Commentaire")
    assert comment["Texte"] == "D'accord, « avec » des accents"
    assert comment["Canal"] == "Sur papier" and comment["Séance"] == "Atelier"
    assert comment["Étape"] == "Imaginer"
    assert "Autre" not in response.get_data(as_text=True)  # the participant's pseudonym


def test_exports_speak_the_asked_language_without_internal_keys(app, client):
    consultation_id = fill(app, client)
    url = f"/animation/consultations/{consultation_id}/export"
    rows = read_csv(client.get(f"{url}.csv?lang=en&profile=1"))
    feedback = next(row for row in rows if row["Type"] == "Feedback on a result")
    assert feedback["Chosen answer"] == "Partly" and feedback["Channel"] == "On paper"
    assert feedback["Age group"] == "18 to 34"
    idea = next(row for row in rows if row["Type"] == "Idea")
    assert idea["Trust conditions"] == "I know when AI is used"
    assert idea["Moderation"] == "Visible" and idea["Step"] == "Imagine"
    cells = {value for row in rows for value in row.values()} | set(rows[0])
    keys = {"know_when", "in_person", "paper", "online", "partly", "18_34", "imagine", "idea",
            "feedback", "visible", "kind", "channel", "acceptability"}
    assert not cells & keys
    assert not [cell for cell in cells if "know_when" in cell or "explained_simply" in cell]


def test_semicolon_csv_and_xlsx_hold_the_same_rows(app, client):
    from openpyxl import load_workbook
    consultation_id = fill(app, client)
    url = f"/animation/consultations/{consultation_id}/export"
    comma = read_csv(client.get(f"{url}.csv?lang=fr"))
    semicolon = read_csv(client.get(f"{url}.csv?lang=fr&sep=semicolon"), delimiter=";")
    assert semicolon == comma
    response = client.get(f"{url}.xlsx?lang=fr")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = table[0]
    assert header == list(comma[0])
    as_text = [{name: "" if value is None else str(value) for name, value in zip(
        header, row, strict=True)} for row in table[1:]]
    assert as_text == comma
    assert sheet.freeze_panes == "A2"


def test_report_uses_correct_plurals(app, client):
    consultation_id = fill(app, client)
    text = client.get(f"/animation/consultations/{consultation_id}/rapport"
                      ).get_data(as_text=True)
    assert "1 idée, 1 scénario, " in text
    assert "1 idées" not in text and "1 scénarios" not in text


def test_csv_with_profile_and_pseudonymous_ids_when_ticked(app, client):
    consultation_id = fill(app, client)
    rows = read_csv(client.get(
        f"/animation/consultations/{consultation_id}/export.csv?participant=1&profile=1"
        "&lang=fr"))
    paper = [row for row in rows if row["Canal"] == "Sur papier"]
    assert {row["Tranche d’âge"] for row in paper} == {"18 à 34 ans"}
    assert {row["Région"] for row in paper} == {"Capitale-Nationale"}
    refs = {row["Personne (pseudonyme)"] for row in paper}
    assert len(refs) == 1 and len(refs.pop()) == 16  # one person, a truncated HMAC
    with app.app_context():
        ids = {str(p.id) for p in db.session.execute(db.select(Participant)).scalars()}
    assert not ids & {row["Personne (pseudonyme)"] for row in rows}


def test_json_document_and_report(app, client):
    consultation_id = fill(app, client)
    document = client.get(f"/animation/consultations/{consultation_id}/export.json").get_json()
    assert (document["schema"], document["version"]) == ("parlons-ia/consultation", 1)
    imagine = next(p for p in document["phases"] if p["kind"] == "imagine")
    assert [t["label"] for t in imagine["themes"]] == ["Savoir quand"]
    assert document["contributions"]["ideas"][0]["supports"] == 1
    assert all("profile" not in p for p in document["participants"])
    results = next(p for p in document["phases"] if p["kind"] == "results")
    assert results["findings"][0]["ideas"] == ["idea-1"]
    report = client.get(f"/animation/consultations/{consultation_id}/rapport")
    text = report.get_data(as_text=True)
    assert "Savoir quand" in text and "Thème rejeté" not in text
    markdown = client.get(f"/animation/consultations/{consultation_id}/rapport.md")
    assert "## " in markdown.get_data(as_text=True)
    assert "Savoir quand" in markdown.get_data(as_text=True)


def without_export_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_json_round_trip_into_an_empty_instance(app, client, tmp_path):
    consultation_id = fill(app, client)
    first = client.get(f"/animation/consultations/{consultation_id}/export.json").get_json()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first), encoding="utf-8")

    fresh = create_app({**{key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "RATELIMIT_ENABLED", "WTF_CSRF_ENABLED", "CHATBOT_CACHE_DIR")},
        "INSTANCE_PATH": str(tmp_path / "fresh"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    with fresh.app_context():
        db.create_all()
    runner = fresh.test_cli_runner()
    result = runner.invoke(args=["consultation", "import", str(path)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["consultation", "import", str(path)])
    assert again.exit_code != 0 and "already exists" in again.output
    result = runner.invoke(args=["consultation", "export", "essai"])
    assert result.exit_code == 0, result.output
    second = json.loads(result.output)
    assert without_export_time(second) == without_export_time(first)
    with fresh.app_context():
        db.engine.dispose()


def test_import_page_refuses_other_files(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
    response = client.post("/animation/import", data={
        "file": (io.BytesIO(b'{"schema": "autre"}'), "x.json")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Rien n’a été enregistré" in response.get_data(as_text=True)


FORMULAS = ["=HYPERLINK(\"http://exemple.test\",\"clic\")", "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


FIELDS = ["answer", "idea", "comment", "reaction", "feedback", "session", "theme"]


def formula_world(app, client) -> tuple[int, dict]:
    """A consultation where each field that reaches an export starts like a formula."""
    from consultations.models import Answer
    payloads = {field: FORMULAS[i % len(FORMULAS)] + f" {field}"
                for i, field in enumerate(FIELDS)}
    with app.app_context():
        consultation = make_consultation()
        act_as(client, make_user("facilitator", team=consultation))
        person = Participant()
        db.session.add(person)
        db.session.flush()
        idea = db.session.execute(db.select(Idea)).scalars().first()
        db.session.add(EntrySession(participant_id=person.id, channel="paper",
                                    session_name=payloads["session"]))
        prompt = consultation.phase("interview").prompts[0]
        scenario = consultation.phase("prototype").scenarios[0]
        finding = consultation.phase("results").findings[0]
        db.session.add_all([
            Answer(prompt=prompt, participant=person, value=payloads["answer"], channel="paper"),
            Idea(phase=idea.phase, participant=person, text=payloads["idea"], channel="paper"),
            Comment(idea=idea, participant=person, text=payloads["comment"], channel="paper"),
            Reaction(scenario=scenario, participant=person, acceptability=3, usefulness=3,
                     concerns=payloads["reaction"], channel="paper"),
            Feedback(finding=finding, participant=person, reflects="yes",
                     comment=payloads["feedback"], channel="paper"),
        ])
        theme = Theme(phase_id=idea.phase_id, label=payloads["theme"], status="accepted")
        theme.members.append(ThemeMember(kind="idea", contribution_id=idea.id, text=idea.text))
        db.session.add(theme)
        db.session.commit()
        return consultation.id, payloads


def exported(client, consultation_id: int) -> dict:
    """The two CSV exports as written, and every cell of the workbook."""
    from openpyxl import load_workbook
    url = f"/animation/consultations/{consultation_id}/export"
    found = {name: client.get(url + ".csv" + query).get_data(as_text=True)
             for name, query in (("csv", ""), ("csv;", "?sep=semicolon"))}
    sheet = load_workbook(io.BytesIO(client.get(url + ".xlsx").data)).active
    found["xlsx"] = [cell for row in sheet.iter_rows() for cell in row]
    return found


def test_formulas_are_neutralised_in_every_field_and_format(app, client):
    """Issue 16, item 4: a cell starting with = + - @ tab or CR is exported as text, with a
    leading quote mark (OWASP), in the `,` CSV, the `;` CSV and the workbook; one check per
    field."""
    consultation_id, payloads = formula_world(app, client)
    files = exported(client, consultation_id)
    assert all(cell.data_type != "f" for cell in files["xlsx"])
    # XML turns a carriage return into a line feed when the workbook is read back.
    cells = [cell.value.replace("\r", "\n") if isinstance(cell.value, str) else cell.value
             for cell in files["xlsx"]]
    for field, payload in payloads.items():
        written = payload.replace('"', '""')  # as CSV writes it inside a quoted cell
        for name in ("csv", "csv;"):
            assert files[name].count(written) >= 1, (field, name)
            assert files[name].count(written) == files[name].count("'" + written), (field, name)
        read = payload.replace("\r", "\n")
        assert "'" + read in cells and read not in cells, (field, "xlsx")
