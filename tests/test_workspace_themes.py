"""Theme suggestion with the real encoder; only accepted themes reach the report."""

from markupsafe import escape

from app.extensions import db
from app.tasks import Job
from consultations.models import Idea, Participant
from consultations.workspace.models import Theme
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
        act_as(client, make_user("facilitator", team=consultation))
        phase_id, consultation_id = phase.id, consultation.id

    response = client.post(f"/animation/etapes/{phase_id}/themes/suggerer")
    assert response.status_code == 303
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100 %" in job_page and 'http-equiv="refresh"' not in job_page
    with app.app_context():
        job = db.session.execute(db.select(Job)).scalar_one()
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
    assert "<h3>Ce qui compte vraiment " in text
    assert f"<h3>{escape(dropped_label)} " not in text


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


def test_phrases_skip_stop_words_and_verb_forms():
    from consultations.workspace.phrases import phrases_of
    shown = {phrase.shown for phrase in phrases_of(
        "Il faudrait que mes données personnelles soient gardées au Québec, et que le numéro "
        "de téléphone reste affiché.")}
    assert "données personnelles" in shown
    assert "numéro de téléphone" in shown
    assert not [s for s in shown if "soient" in s or "faudrait" in s or "reste" in s]
    assert not [s for s in shown if "québec" in s and "numéro" in s]  # a comma ends a phrase


def test_generated_ideas_give_balanced_themes_named_by_phrases(app):
    """200 varied ideas on ten topics: no theme holds most of them, every label is made of
    phrases of two or three words (tools/measure_themes.py measures 1,000)."""
    from consultations.workspace import themes
    from tools.theme_corpus import generate
    texts = [text for _topic, text in generate(200)]
    with app.app_context():
        vectors = themes.encode_in_batches(texts, lambda _done: None)
    labels, similarity = themes.cluster(vectors, themes.theme_count(len(texts)))
    assert themes.largest_share(labels) <= themes.MAX_SHARE
    assert themes.silhouette(vectors, labels) > 0.05
    names = themes.name_themes(texts, labels, similarity)
    for name in names.values():
        assert all(len(part.split()) >= 2 for part in name.split(" · ")), name


def test_one_theme_is_split_when_it_holds_most_texts():
    import numpy as np

    from consultations.workspace import themes
    rng = np.random.default_rng(3)
    # Two tight groups far apart and a third spread one: k=2 would put most in one theme.
    centres = rng.normal(size=(3, 16))
    vectors = np.vstack([centres[i] + 0.05 * rng.normal(size=(20, 16)) for i in range(3)])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels, _similarity = themes.cluster(vectors.astype(np.float32), 2)
    assert themes.largest_share(labels) <= themes.MAX_SHARE
