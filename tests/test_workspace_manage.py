"""Managing a consultation: create, phases, prompts, scenarios, findings, publish, close."""

from app.extensions import db
from consultations.models import Consultation, Finding, Prompt
from tests.workspace_factory import act_as, make_user


def texts(name, fr, en=""):
    return {f"{name}-fr": fr, f"{name}-en": en, f"{name}-fr_simple": "", f"{name}-en_simple": ""}


def test_create_edit_publish_close(app, client):
    with app.app_context():
        act_as(client, make_user("facilitator"))
    form = {"slug": "sante", **texts("title", "L’IA en santé", "AI in health"),
            **texts("summary", "Résumé"), **texts("description", "Description"),
            "duration_minutes": "10", "starts_at": "2025-01-01", "ends_at": "2025-12-31",
            "conditions": "human | Un humain décide | A human decides"}
    response = client.post("/animation/consultations/nouvelle", data=form)
    assert response.status_code == 303
    with app.app_context():
        consultation = db.session.execute(db.select(Consultation)).scalar_one()
        assert [p.kind for p in consultation.phases] == ["interview", "imagine", "prototype",
                                                         "results"]
        assert consultation.status == "draft" and consultation.title["en"] == "AI in health"
        assert consultation.conditions == [{"key": "human", "fr": "Un humain décide",
                                            "en": "A human decides"}]
        cid = consultation.id
        interview = consultation.phase("interview").id
        results = consultation.phase("results").id
    assert client.post("/animation/consultations/nouvelle", data=form).status_code == 422
    assert client.get(f"/animation/consultations/{cid}/apercu").status_code == 200

    response = client.post(f"/animation/etapes/{interview}/questions/nouvelle", data={
        "kind": "single_choice", **texts("question", "Utilisez-vous ?", "Do you use?"),
        "choices": "Oui | Yes\nNon | No"})
    assert response.status_code == 303
    response = client.post(f"/animation/etapes/{results}/constats/nouveau", data={
        **texts("heard", "Entendu"), **texts("action", "Nous publierons"),
        "status": "planned"})
    assert response.status_code == 303
    with app.app_context():
        prompt = db.session.execute(db.select(Prompt)).scalar_one()
        assert prompt.choices == [{"fr": "Oui", "en": "Yes"}, {"fr": "Non", "en": "No"}]
        assert db.session.execute(db.select(Finding)).scalar_one().action == {
            "fr": "Nous publierons"}

    client.post(f"/animation/consultations/{cid}/statut", data={"status": "published"})
    assert client.get("/consultations/sante").status_code == 200
    response = client.post(f"/animation/etapes/{interview}/cloturer")
    client.post(f"/animation/consultations/{cid}/statut", data={"status": "closed"})
    with app.app_context():
        assert db.session.get(Consultation, cid).status == "closed"
    page = client.get(f"/animation/consultations/{cid}/tableau-de-bord")
    assert page.status_code == 200


def test_days_at_the_calendar_ends_are_refused_not_a_500(app, client):
    """The day after 9999-12-31 does not exist: creating that consultation gave 500."""
    with app.app_context():
        act_as(client, make_user("facilitator"))
    form = {"slug": "sante", **texts("title", "L’IA en santé"), **texts("summary", "Résumé"),
            **texts("description", "Description"), "duration_minutes": "10",
            "starts_at": "0001-01-01", "ends_at": "9999-12-31", "conditions": ""}
    response = client.post("/animation/consultations/nouvelle", data=form)
    assert response.status_code == 422
    assert "entre 1900 et 2100" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(Consultation)).first() is None
