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
        act_as(client, make_user("facilitator"))
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


def read_csv(response):
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_csv_has_no_personal_data_by_default(app, client):
    consultation_id = fill(app, client)
    response = client.get(f"/animation/consultations/{consultation_id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    rows = read_csv(response)
    columns = set(rows[0])
    assert not columns & {"participant", "age_band", "region", "pseudonym"}
    assert {row["kind"] for row in rows} == {"idea", "support", "comment", "reaction",
                                             "feedback"}
    idea = next(row for row in rows if row["kind"] == "idea")
    assert idea["themes"] == "Savoir quand"  # the rejected theme is not exported
    assert idea["supports"] == "1"
    comment = next(row for row in rows if row["kind"] == "comment")
    assert comment["text"] == "D'accord, « avec » des accents"
    assert comment["channel"] == "paper" and comment["session"] == "Atelier"
    assert "Autre" not in response.get_data(as_text=True)  # the participant's pseudonym


def test_csv_with_profile_and_pseudonymous_ids_when_ticked(app, client):
    consultation_id = fill(app, client)
    rows = read_csv(client.get(
        f"/animation/consultations/{consultation_id}/export.csv?participant=1&profile=1"))
    paper = [row for row in rows if row["channel"] == "paper"]
    assert {row["age_band"] for row in paper} == {"18_34"}
    assert {row["region"] for row in paper} == {"Capitale-Nationale"}
    refs = {row["participant"] for row in paper}
    assert len(refs) == 1 and len(refs.pop()) == 16  # one person, a truncated HMAC
    with app.app_context():
        ids = {str(p.id) for p in db.session.execute(db.select(Participant)).scalars()}
    assert not ids & {row["participant"] for row in rows}


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
    assert "Import impossible" in response.get_data(as_text=True)
