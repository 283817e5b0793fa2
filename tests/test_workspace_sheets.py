"""Entered sheets: listed by entry session, corrected in place, deleted with what cites them,
each change in the audit log; only for the phase's own sheets (the team check is the matrix)."""

from app.extensions import db
from consultations.models import Answer, Idea, Participant, Reaction
from consultations.workspace.models import (
    AuditEntry,
    EntrySession,
    ModerationReview,
    Theme,
    ThemeMember,
)
from tests.consultations_factory import count, make_consultation
from tests.workspace_factory import act_as, make_user


def setup(app, client) -> dict:
    with app.app_context():
        consultation = make_consultation()
        act_as(client, make_user("facilitator", team=consultation))
        return {"interview": consultation.phase("interview").id,
                "imagine": consultation.phase("imagine").id,
                "prompts": [p.id for p in consultation.phase("interview").prompts]}


def enter(client, phase_id: int, **data) -> int:
    """Type one sheet through the entry form; its number (the person's id)."""
    response = client.post(f"/animation/etapes/{phase_id}/saisie", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.execute(db.select(EntrySession.participant_id)
                              .order_by(EntrySession.participant_id.desc())).scalars().first()


def test_sheets_are_listed_by_entry_session(app, client):
    ids = setup(app, client)
    first, _free, scale = ids["prompts"]
    with app.app_context():
        library = [enter(client, ids["interview"], channel="paper", session="Bibliothèque",
                         date="2027-01-12", **{f"question_{first}": text})
                   for text in ("Une machine qui trie", "Un robot qui répond")]
        phone = enter(client, ids["interview"], channel="phone", session="Appels du lundi",
                      **{f"question_{scale}": "4"})
    page = client.get(f"/animation/etapes/{ids['interview']}/fiches").get_data(as_text=True)
    assert page.index("Bibliothèque") < page.index("Appels du lundi")  # dated first
    assert "2 fiches" in page and "1 fiche" in page
    assert "Sur papier" in page and "Par téléphone" in page and "12 janvier 2027" in page
    assert "Une machine qui trie" in page and "4 sur 5" in page
    assert "facilitator@example.org" in page  # who typed it
    for number in (*library, phone):
        assert f"/animation/etapes/{ids['interview']}/fiches/{number}" in page
    other = client.get(f"/animation/etapes/{ids['imagine']}/fiches").get_data(as_text=True)
    assert "Aucune fiche saisie" in other and "Une machine qui trie" not in other


def test_a_sheet_is_corrected_in_place(app, client):
    ids = setup(app, client)
    first, choice, scale = ids["prompts"]
    with app.app_context():
        number = enter(client, ids["interview"], channel="paper", session="Atelier du 12",
                       date="2027-01-12", age_band="35_54",
                       **{f"question_{first}": "Une machine qui tire", f"question_{scale}": "2"})
        typed = db.session.execute(db.select(Answer).filter_by(value="Une machine qui tire")
                                   ).scalar_one()
        theme = Theme(phase_id=ids["interview"], label="Machines", status="accepted")
        theme.members.append(ThemeMember(kind="answer", contribution_id=typed.id,
                                         text=typed.value))
        db.session.add_all([theme, ModerationReview(kind="answer", contribution_id=typed.id)])
        db.session.commit()
        typed_id = typed.id
    url = f"/animation/etapes/{ids['interview']}/fiches/{number}"
    form = client.get(url).get_data(as_text=True)
    assert ">Une machine qui tire</textarea>" in form
    assert 'value="paper" checked' in form and 'value="Atelier du 12"' in form
    assert 'value="2027-01-12"' in form and 'value="35_54" checked' in form
    assert f'name="question_{scale}" value="2" checked' in form

    refused = client.post(url, data={"channel": "paper", f"question_{scale}": "9"})
    assert refused.status_code == 422
    response = client.post(url, data={
        "channel": "in_person", "session": "Atelier du 13", "date": "2027-01-13",
        "age_band": "55_74", f"question_{first}": "Une machine qui trie",
        f"question_{choice}": "0"})
    assert response.status_code == 303
    assert "est corrigée" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        answers = {a.prompt_id: a for a in db.session.execute(db.select(Answer).filter_by(
            participant_id=number)).scalars()}
        assert set(answers) == {first, choice}  # the emptied scale is gone, the choice added
        assert answers[first].id == typed_id and answers[first].value == "Une machine qui trie"
        assert {a.channel for a in answers.values()} == {"in_person"}
        assert answers[first].created_at.date().isoformat() == "2027-01-13"
        entry = db.session.get(EntrySession, number)
        assert (entry.channel, entry.session_name, entry.session_date.isoformat()) == \
            ("in_person", "Atelier du 13", "2027-01-13")
        assert db.session.get(Participant, number).age_band == "55_74"
        # The theme quotes the corrected words; the moderators see it again among new ones.
        assert db.session.execute(db.select(ThemeMember.text)).scalar_one() == \
            "Une machine qui trie"
        assert count(ModerationReview) == 0
        audit = db.session.execute(db.select(AuditEntry).filter_by(action="edit_sheet")
                                   ).scalar_one()
        assert audit.target == f"essai/interview #{number}"  # no typed words in the log


def test_an_idea_sheet_keeps_its_conditions(app, client):
    ids = setup(app, client)
    with app.app_context():
        number = enter(client, ids["imagine"], channel="in_person", idea="Un guichet humain",
                       conditions=["know_when"])
    url = f"/animation/etapes/{ids['imagine']}/fiches/{number}"
    assert 'value="know_when" checked' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"channel": "in_person", "idea": "Un guichet humain",
                                      "conditions": [], "other_condition": "Un recours"})
    assert response.status_code == 303
    with app.app_context():
        idea = db.session.execute(db.select(Idea).filter_by(participant_id=number)).scalar_one()
        assert (idea.conditions, idea.other_condition) == ([], "Un recours")


def test_deleting_a_sheet_asks_then_removes_it_and_what_cites_it(app, client):
    ids = setup(app, client)
    first = ids["prompts"][0]
    with app.app_context():
        number = enter(client, ids["interview"], channel="paper", session="Atelier",
                       **{f"question_{first}": "Un texte saisi deux fois"})
        kept = enter(client, ids["interview"], channel="paper", session="Atelier",
                     **{f"question_{first}": "Un autre texte"})
        answer = db.session.execute(db.select(Answer).filter_by(participant_id=number)
                                    ).scalar_one()
        theme = Theme(phase_id=ids["interview"], label="Doublons", status="suggested")
        theme.members.append(ThemeMember(kind="answer", contribution_id=answer.id,
                                         text=answer.value))
        db.session.add(theme)
        db.session.commit()
    url = f"/animation/etapes/{ids['interview']}/fiches/{number}/supprimer"
    question = client.get(url).get_data(as_text=True)
    assert "Un texte saisi deux fois" in question and "Supprimer la fiche" in question
    with app.app_context():
        assert db.session.get(EntrySession, number) is not None  # asking deleted nothing
    response = client.post(url)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "est supprimée" in page and "Un texte saisi deux fois" not in page
    assert "Un autre texte" in page
    with app.app_context():
        assert db.session.get(Participant, number) is None
        assert db.session.get(EntrySession, number) is None
        assert db.session.get(EntrySession, kept) is not None
        assert count(ThemeMember) == 0
        audit = db.session.execute(db.select(AuditEntry).filter_by(action="delete_sheet")
                                   ).scalar_one()
        assert audit.target == f"essai/interview #{number}"
    assert client.get(url).status_code == 404


def test_only_sheets_entered_in_this_phase(app, client):
    ids = setup(app, client)
    with app.app_context():
        number = enter(client, ids["interview"], channel="phone",
                       **{f"question_{ids['prompts'][0]}": "Au téléphone"})
        online = db.session.execute(db.select(Idea.participant_id)).scalars().first()
    assert client.get(f"/animation/etapes/{ids['imagine']}/fiches/{number}").status_code == 404
    for url in (f"/animation/etapes/{ids['imagine']}/fiches/{online}",
                f"/animation/etapes/{ids['imagine']}/fiches/{online}/supprimer"):
        assert client.get(url).status_code == 404  # a person who took part online
    assert client.post(f"/animation/etapes/{ids['imagine']}/fiches/{online}/supprimer"
                       ).status_code == 404
    with app.app_context():
        assert db.session.get(Participant, online) is not None


def test_a_note_emptied_on_correction_leaves_the_themes(app, client):
    with app.app_context():
        consultation = make_consultation()
        act_as(client, make_user("facilitator", team=consultation))
        phase = consultation.phase("prototype")
        prefix = f"scenario_{phase.scenarios[0].id}_"
        phase_id = phase.id
        scores = {prefix + "acceptability": "4", prefix + "usefulness": "3"}
        number = enter(client, phase_id, channel="phone",
                       **scores, **{prefix + "concerns": "Une inquiétude"})
        reaction = db.session.execute(db.select(Reaction).filter_by(participant_id=number)
                                      ).scalar_one()
        theme = Theme(phase_id=phase_id, label="Inquiétudes", status="accepted")
        theme.members.append(ThemeMember(kind="reaction", contribution_id=reaction.id,
                                         text="Une inquiétude"))
        db.session.add_all([theme, ModerationReview(kind="reaction", contribution_id=reaction.id)])
        db.session.commit()
        reaction_id, theme_id = reaction.id, theme.id
    response = client.post(f"/animation/etapes/{phase_id}/fiches/{number}",
                           data={"channel": "phone", **scores})
    assert response.status_code == 303
    with app.app_context():
        kept = db.session.execute(db.select(Reaction).filter_by(participant_id=number)
                                  ).scalar_one()
        assert (kept.id, kept.concerns, kept.acceptability) == (reaction_id, None, 4)
        assert count(ThemeMember) == 0 and count(ModerationReview) == 0  # nothing to quote
        assert db.session.get(Theme, theme_id) is not None
