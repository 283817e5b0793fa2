"""In-person, phone and paper input: the fast form, the CSV import, the paper questionnaire."""

import io

from app.extensions import db
from consultations.models import Answer, Idea, Participant, Reaction
from consultations.workspace.models import EntrySession
from tests.consultations_factory import count, make_consultation
from tests.workspace_factory import act_as, make_user


def setup(app, client):
    with app.app_context():
        consultation = make_consultation()
        act_as(client, make_user("facilitator", team=consultation))
        return {kind: consultation.phase(kind).id for kind in
                ("interview", "imagine", "prototype", "results")}, \
            [p.id for p in consultation.phase("interview").prompts], \
            consultation.phase("prototype").scenarios[0].id


def test_entry_saves_and_comes_back_empty_for_the_next(app, client):
    phases, prompts, _scenario = setup(app, client)
    url = f"/animation/etapes/{phases['interview']}/saisie"
    response = client.post(url, data={
        "channel": "paper", "session": "Bibliothèque, 12 mars", "date": "2025-03-12",
        f"question_{prompts[0]}": "Une machine qui trie", f"question_{prompts[2]}": "4",
        "age_band": "35_54"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enregistré. Saisissez les réponses suivantes." in page
    assert "Une machine qui trie" not in page  # the answers are gone
    assert "Bibliothèque, 12 mars" in page  # the workshop stays
    with app.app_context():
        answers = db.session.execute(db.select(Answer)).scalars().all()
        assert {a.channel for a in answers} == {"paper"}
        assert sorted(a.value for a in answers) == ["4", "Une machine qui trie"]
        assert answers[0].created_at.date().isoformat() == "2025-03-12"
        session = db.session.execute(db.select(EntrySession)).scalar_one()
        assert session.session_name == "Bibliothèque, 12 mars"
        assert db.session.get(Participant, session.participant_id).age_band == "35_54"


def test_entry_refuses_an_empty_sheet_and_a_bad_choice(app, client):
    phases, prompts, _scenario = setup(app, client)
    url = f"/animation/etapes/{phases['interview']}/saisie"
    response = client.post(url, data={"channel": "in_person"})
    assert response.status_code == 422
    assert "Aucune réponse" in response.get_data(as_text=True)
    response = client.post(url, data={"channel": "in_person", f"question_{prompts[2]}": "9"})
    assert response.status_code == 422
    with app.app_context():
        assert count(Answer) == 0


def test_scenario_reaction_needs_both_scores(app, client):
    phases, _prompts, scenario = setup(app, client)
    url = f"/animation/etapes/{phases['prototype']}/saisie"
    response = client.post(url, data={"channel": "phone",
                                      f"scenario_{scenario}_acceptability": "2"})
    assert response.status_code == 422
    response = client.post(url, data={"channel": "phone",
                                      f"scenario_{scenario}_acceptability": "2",
                                      f"scenario_{scenario}_usefulness": "5",
                                      f"scenario_{scenario}_concerns": "Les erreurs"})
    assert response.status_code == 303
    with app.app_context():
        reaction = db.session.execute(db.select(Reaction)).scalar_one()
        assert (reaction.channel, reaction.concerns) == ("phone", "Les erreurs")


def upload(client, phase_id, text):
    return client.post(f"/animation/etapes/{phase_id}/import",
                       data={"file": (io.BytesIO(text.encode("utf-8")), "lignes.csv")},
                       content_type="multipart/form-data")


def test_csv_template_has_every_column(app, client):
    phases, _prompts, _scenario = setup(app, client)
    response = client.get(f"/animation/etapes/{phases['imagine']}/import/modele.csv")
    assert response.status_code == 200
    header = response.get_data(as_text=True)
    assert header.startswith("\ufeffchannel,session,date,age_band,region")
    assert "idea,conditions,other_condition" in header


def test_csv_import_with_bad_rows_stores_nothing(app, client):
    phases, _prompts, _scenario = setup(app, client)
    with app.app_context():
        before = count(Idea)
    text = ("channel,session,date,idea,conditions\n"
            "paper,Atelier A,2025-03-01,Une bonne idée,know_when\n"
            "fax,Atelier A,2025-03-01,Autre idée,\n"
            "paper,Atelier A,mars 2025,Troisième idée,\n"
            "in_person,Atelier B,,Quatrième idée,inconnue\n")
    response = upload(client, phases["imagine"], text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Rien n’a été enregistré" in page
    assert "Ligne 3" in page and "Ligne 4" in page and "Ligne 5" in page
    assert "Ligne 2" not in page
    with app.app_context():
        assert count(Idea) == before
        assert count(EntrySession) == 0


def test_csv_import_unknown_column_is_refused(app, client):
    phases, _prompts, _scenario = setup(app, client)
    response = upload(client, phases["imagine"], "channel,nom\npaper,Jean\n")
    assert response.status_code == 422
    assert "Colonnes inconnues : nom" in response.get_data(as_text=True)


def test_csv_import_of_good_rows(app, client):
    phases, _prompts, _scenario = setup(app, client)
    with app.app_context():
        before = count(Idea)
    text = ("\ufeffchannel,session,date,idea,conditions,age_band\n"
            "paper,Atelier A,2025-03-01,Une bonne idée,know_when;can_contest,18_34\n"
            "in_person,Atelier B,,\"Sur deux\nlignes\",,\n")
    response = upload(client, phases["imagine"], text)
    assert response.status_code == 303  # to the preview: nothing stored yet
    with app.app_context():
        assert count(Idea) == before
    assert "Une bonne idée" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.post(response.headers["Location"], data={"action": "confirm"}).status_code == 303
    with app.app_context():
        assert count(Idea) == before + 2
        idea = db.session.execute(db.select(Idea).filter_by(text="Une bonne idée")).scalar_one()
        assert idea.conditions == ["know_when", "can_contest"]
        assert idea.channel == "paper"


def test_paper_questionnaire_mirrors_the_questions(app, client):
    phases, _prompts, _scenario = setup(app, client)
    page = client.get(f"/animation/etapes/{phases['interview']}/questionnaire")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for question in ("Qu&#39;est-ce que l&#39;IA ?", "Déjà utilisé ?", "Confiance ?"):
        assert question in text
    assert "paper-lines" in text
