"""Theme suggestion with the real encoder; only accepted themes reach the report."""

from app.extensions import db
from consultations.models import Idea, Participant
from consultations.workspace.models import Theme, ThemeJob
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user

TOPICS = {
    "données": ["Mes données personnelles doivent rester au Québec et être protégées",
                "Je veux savoir qui peut lire mes données et combien de temps elles sont gardées",
                "Les données de santé ne doivent jamais être vendues à des entreprises"],
    "humain": ["Une personne doit pouvoir revoir la décision prise par la machine",
               "Je veux parler à un humain quand ma demande est refusée",
               "Un agent doit vérifier chaque décision avant l'envoi de la lettre"],
    "environnement": ["Les serveurs consomment beaucoup d'énergie et d'eau pour l'environnement",
                      "Il faut publier le coût énergétique et carbone de ces calculs",
                      "Je m'inquiète de l'empreinte écologique de l'intelligence artificielle"],
}


def test_suggest_accept_reject_and_report(app, client):
    with app.app_context():
        consultation = make_consultation()
        phase = consultation.phase("imagine")
        for n in range(60):
            topic = list(TOPICS)[n % 3]
            text = TOPICS[topic][n % len(TOPICS[topic])] + f" (atelier {n // 3})"
            db.session.add(Idea(phase=phase, participant=Participant(), text=text))
        db.session.commit()
        act_as(client, make_user("facilitator"))
        phase_id, consultation_id = phase.id, consultation.id

    response = client.post(f"/animation/etapes/{phase_id}/themes/suggerer")
    assert response.status_code == 303
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100 %" in job_page and 'http-equiv="refresh"' not in job_page
    with app.app_context():
        job = db.session.execute(db.select(ThemeJob)).scalar_one()
        assert (job.status, job.total) == ("done", 61)
        themes = db.session.execute(db.select(Theme)).scalars().all()
        assert 2 <= len(themes) <= 10
        assert all(theme.status == "suggested" and theme.members for theme in themes)
        assert sum(len(theme.members) for theme in themes) == 61
        kept, dropped = themes[0], themes[1]
        kept_id, dropped_id = kept.id, dropped.id
        dropped_label = dropped.label

    assert client.get(f"/animation/etapes/{phase_id}/themes").status_code == 200
    client.post(f"/animation/themes/{kept_id}", data={"decision": "rename",
                                                      "label": "Ce qui compte vraiment"})
    client.post(f"/animation/themes/{dropped_id}", data={"decision": "rejected"})
    client.get(f"/animation/etapes/{phase_id}/themes")  # shows (and clears) the notices
    report = client.get(f"/animation/consultations/{consultation_id}/rapport")
    text = report.get_data(as_text=True)
    assert "Ce qui compte vraiment" in text
    assert dropped_label not in text


def test_merge_and_split(app, client):
    with app.app_context():
        consultation = make_consultation()
        phase = consultation.phase("imagine")
        for text in ("Données protégées ici", "Données gardées peu de temps",
                     "Un humain revoit tout", "Parler à un humain"):
            db.session.add(Idea(phase=phase, participant=Participant(), text=text))
        db.session.commit()
        act_as(client, make_user("admin"))
        phase_id = phase.id
    client.post(f"/animation/etapes/{phase_id}/themes/suggerer")
    with app.app_context():
        first, second = db.session.execute(db.select(Theme).order_by(Theme.id)).scalars().all()[:2]
        first_id, second_id = first.id, second.id
    client.post(f"/animation/themes/{first_id}/fusionner", data={"into": second_id})
    with app.app_context():
        merged = db.session.get(Theme, second_id)
        assert db.session.get(Theme, first_id) is None
        member_ids = [m.id for m in merged.members]
    response = client.post(f"/animation/themes/{second_id}/separer",
                           data={"members": [str(member_ids[0])], "label": "À part"})
    assert response.status_code == 303
    with app.app_context():
        apart = db.session.execute(db.select(Theme).filter_by(label="À part")).scalar_one()
        assert len(apart.members) == 1
