"""Deadlines read as the team set them: "Fin (dernier jour inclus) 2027-01-15" is shown as
15 January everywhere (pages, workspace, exports, report, JSON), counted in the consultation's
time zone, at month and year ends and across daylight-saving changes."""

import json
from datetime import UTC, date, datetime

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from consultations import dates
from consultations.models import Consultation, Phase
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user

TORONTO = "America/Toronto"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("last", "stored_end"), [
    (date(2027, 1, 15), utc(2027, 1, 16, 5)),     # winter: UTC-5
    (date(2026, 12, 31), utc(2027, 1, 1, 5)),     # year end
    (date(2027, 2, 28), utc(2027, 3, 1, 5)),      # month end, not a leap year
    (date(2028, 2, 29), utc(2028, 3, 1, 5)),      # leap day
    (date(2027, 3, 13), utc(2027, 3, 14, 5)),     # the day before summer time starts
    (date(2027, 3, 14), utc(2027, 3, 15, 4)),     # summer time started that night: UTC-4
    (date(2026, 10, 31), utc(2026, 11, 1, 4)),    # the day before summer time ends
    (date(2026, 11, 1), utc(2026, 11, 2, 5)),     # a 25-hour day
])
def test_last_day_included_round_trips(app, last, stored_end):
    with app.app_context():
        end = dates.day_after(last, TORONTO)
        assert end == stored_end
        assert dates.last_day_before(end, TORONTO) == last
        assert dates.day_start(last, TORONTO) < end


def test_a_phase_is_open_until_its_last_day_ends_where_people_live(app):
    with app.app_context():
        phase = Phase(kind="imagine", starts_at=dates.day_start(date(2027, 3, 1), TORONTO),
                      ends_at=dates.day_after(date(2027, 3, 14), TORONTO))
        phase.consultation = Consultation(time_zone=TORONTO)
        assert phase.state(utc(2027, 3, 15, 3, 59)) == "open"    # 23:59 in Toronto, 14 March
        assert phase.state(utc(2027, 3, 15, 4, 0)) == "closed"   # midnight in Toronto
        assert phase.state(utc(2027, 3, 1, 4, 59)) == "upcoming"  # 23:59 on 28 February
        assert dates.first_day(phase) == date(2027, 3, 1)
        assert dates.last_day(phase) == date(2027, 3, 14)


def test_a_phase_closed_early_ends_on_the_day_it_was_closed(app):
    with app.app_context():
        phase = Phase(kind="imagine", starts_at=dates.day_start(date(2027, 1, 1), TORONTO),
                      ends_at=dates.day_after(date(2027, 1, 31), TORONTO),
                      closed_early_at=utc(2027, 1, 11, 2))  # 21:00 on 10 January in Toronto
        phase.consultation = Consultation()
        assert dates.last_day(phase) == date(2027, 1, 10)


def set_phase_dates(client, phase_id, starts, ends):
    return client.post(f"/animation/etapes/{phase_id}/modifier", data={
        "title-fr": "Imaginer", "starts_at": starts, "ends_at": ends})


@pytest.mark.parametrize(("last", "french", "english"), [
    ("2027-01-15", "15 janvier 2027", "January 15, 2027"),
    ("2026-12-31", "31 décembre 2026", "December 31, 2026"),
    ("2027-03-14", "14 mars 2027", "March 14, 2027"),
])
def test_the_last_day_set_is_the_last_day_shown(app, client, last, french, english):
    with app.app_context():
        consultation = make_consultation()
        phase_id = consultation.phase("imagine").id
        act_as(client, make_user("admin"))
    assert set_phase_dates(client, phase_id, "2026-12-01", last).status_code == 303
    with app.app_context():
        phase = db.session.get(Phase, phase_id)
        assert phase.ends_at == dates.day_after(date.fromisoformat(last), TORONTO)
        consultation_id = phase.consultation_id
    page = client.get("/consultations/essai", headers={"Accept-Language": "fr"}).text
    assert f"au {french}" in page
    assert "1 janvier 2027" not in page and "16 janvier 2027" not in page
    assert f"to {english}" in client.get("/consultations/essai/imaginer",
                                         headers={"Accept-Language": "en"}).text
    form = client.get(f"/animation/etapes/{phase_id}/modifier").text
    assert f'value="{last}"' in form
    assert french in client.get(f"/animation/consultations/{consultation_id}").text
    document = json.loads(client.get(
        f"/animation/consultations/{consultation_id}/export.json").data)
    imagine = next(p for p in document["phases"] if p["kind"] == "imagine")
    assert imagine["last_day"] == last and imagine["first_day"] == "2026-12-01"
    assert document["consultation"]["time_zone"] is None


def test_a_closed_step_says_its_last_day(app, client):
    with app.app_context():
        consultation = make_consultation()
        phase = consultation.phase("imagine")
        phase.starts_at = dates.day_start(date(2025, 1, 1), TORONTO)
        phase.ends_at = dates.day_after(date(2025, 1, 15), TORONTO)
        db.session.commit()
    response = client.post("/consultations/essai/imaginer", data={"text": "une idée"},
                           headers={"Accept-Language": "fr"}, follow_redirects=True)
    assert "Son dernier jour était le 15 janvier 2025" in response.text


def test_the_report_and_the_csv_use_the_consultation_days(app, client):
    with app.app_context():
        consultation = make_consultation()
        consultation.starts_at = dates.day_start(date(2027, 1, 1), TORONTO)
        consultation.ends_at = dates.day_after(date(2027, 1, 31), TORONTO)
        db.session.commit()
        consultation_id = consultation.id
        act_as(client, make_user("admin"))
    report = client.get(f"/animation/consultations/{consultation_id}/rapport").text
    assert "Du 1 janvier 2027 au 31 janvier 2027" in report
    markdown = client.get(f"/animation/consultations/{consultation_id}/rapport.md").text
    assert "Du 1 janvier 2027 au 31 janvier 2027" in markdown
    csv = client.get(f"/animation/consultations/{consultation_id}/export.csv").text
    assert "-05:00" in csv or "-04:00" in csv  # the consultation's offset, not UTC


def test_a_consultation_in_another_time_zone(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
    form = {"slug": "ouest", "title-fr": "Titre", "summary-fr": "Résumé",
            "description-fr": "Description", "duration_minutes": "10",
            "starts_at": "2027-01-01", "ends_at": "2027-01-28", "time_zone": "America/Vancouver"}
    assert client.post("/animation/consultations/nouvelle", data=form).status_code == 303
    with app.app_context():
        consultation = db.session.execute(db.select(Consultation)).scalar_one()
        assert consultation.ends_at == utc(2027, 1, 29, 8)  # midnight in Vancouver (UTC-8)
        # The four phases share the days: whole days, no gap, no overlap.
        days = [(dates.first_day(p), dates.last_day(p)) for p in consultation.phases]
        assert days == [(date(2027, 1, 1), date(2027, 1, 7)), (date(2027, 1, 8), date(2027, 1, 14)),
                        (date(2027, 1, 15), date(2027, 1, 21)),
                        (date(2027, 1, 22), date(2027, 1, 28))]
        consultation_id = consultation.id
    # Moving it to Toronto keeps every phase on the days the team set.
    response = client.post(f"/animation/consultations/{consultation_id}/modifier",
                           data={**form, "time_zone": ""})
    assert response.status_code == 303
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        assert consultation.time_zone is None and consultation.ends_at == utc(2027, 1, 29, 5)
        assert [dates.last_day(p) for p in consultation.phases][-1] == date(2027, 1, 28)
        assert consultation.phases[0].starts_at == utc(2027, 1, 1, 5)
    bad = client.post("/animation/consultations/nouvelle",
                      data={**form, "slug": "autre", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 422 and "Fuseau horaire inconnu" in bad.text


def test_an_unknown_deployment_time_zone_is_refused_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="TIME_ZONE"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                    "TIME_ZONE": "Nowhere/Atlantis"})


def test_the_migration_moves_utc_midnights_to_local_midnights(app):
    """Days typed before the time zone existed were stored as midnight UTC."""
    with app.app_context():
        db.drop_all()
        upgrade(revision="183f37c9dd0e")
        with db.engine.begin() as connection:
            connection.execute(db.text(
                "INSERT INTO consultation (id, slug, title, summary, description, outcome, "
                "duration_minutes, conditions, status, starts_at, ends_at, is_demo, created_at) "
                "VALUES (1, 'vieille', '{}', '{}', '{}', '{}', 10, '[]', 'draft', "
                ":start, :end, false, :start)"),
                {"start": utc(2027, 1, 1), "end": utc(2027, 1, 16)})
            connection.execute(db.text(
                "INSERT INTO consultation_phase (id, consultation_id, kind, \"order\", title, "
                "information, starts_at, ends_at) VALUES (1, 1, 'imagine', 0, '{}', '{}', "
                ":start, :end)"), {"start": utc(2027, 1, 1, 13, 30), "end": utc(2027, 1, 16)})
        upgrade()
        db.session.expire_all()
        consultation = db.session.get(Consultation, 1)
        assert consultation.starts_at == utc(2027, 1, 1, 5)
        assert consultation.ends_at == utc(2027, 1, 16, 5)
        assert dates.last_day(consultation) == date(2027, 1, 15)
        phase = db.session.get(Phase, 1)
        assert phase.starts_at == utc(2027, 1, 1, 13, 30)  # not a midnight: kept
        assert dates.last_day(phase) == date(2027, 1, 15)
