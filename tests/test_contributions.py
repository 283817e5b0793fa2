"""The contribution-kind registry: every kind knows its phase, in Python and in SQL, and what
the person wrote; the pages that read it show what each kind holds."""

from app.extensions import db
from consultations import contributions
from consultations.models import Answer, Comment, Feedback, Idea, Participant, Reaction, Support
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user


def one_of_each(consultation) -> dict:
    person = Participant()
    idea = Idea(phase=consultation.phase("imagine"), participant=person, text="Une idée",
                other_condition="Une condition à moi")
    prompts = consultation.phase("interview").prompts
    items = {
        "answer": Answer(prompt=prompts[1], participant=person, value="1"),
        "idea": idea,
        "support": Support(idea=idea, participant=Participant()),
        "comment": Comment(idea=idea, participant=person, text="Un commentaire"),
        "reaction": Reaction(scenario=consultation.phase("prototype").scenarios[0],
                             participant=person, acceptability=2, usefulness=5,
                             concerns="Les erreurs"),
        "feedback": Feedback(finding=consultation.phase("results").findings[0],
                             participant=person, reflects="partly", comment="Presque"),
    }
    db.session.add_all(items.values())
    db.session.commit()
    return items


def test_every_contribution_model_has_one_kind_and_one_slug(app):
    models = {Answer, Idea, Support, Comment, Reaction, Feedback}
    assert {kind.model for kind in contributions.KINDS.values()} == models
    for kind in contributions.KINDS.values():
        assert contributions.by_slug(kind.slug) is kind
        assert contributions.kind_of(kind.model) is kind
    assert contributions.by_slug("inconnu") is None


def test_the_phase_in_python_is_the_phase_in_sql(app):
    with app.app_context():
        consultation = make_consultation()
        items = one_of_each(consultation)
        for key, item in items.items():
            kind = contributions.kind_of(item)
            assert kind.key == key
            in_sql = db.session.execute(kind.select(kind.phase_id)
                                        .where(kind.model.id == item.id)).scalar_one()
            assert kind.phase(item).id == in_sql
            expected = {"answer": "interview", "idea": "imagine", "support": "imagine",
                        "comment": "imagine", "reaction": "prototype", "feedback": "results"}
            assert kind.phase(item).kind == expected[key]
            ids = [phase.id for phase in consultation.phases]
            assert item in db.session.execute(kind.in_phases(ids)).scalars().all()


def test_text_value_and_subject_of_each_kind(app):
    with app.app_context(), app.test_request_context():
        items = one_of_each(make_consultation())
        said = {key: (contributions.KINDS[key].text(item), contributions.KINDS[key].value(item),
                      contributions.KINDS[key].subject(item)) for key, item in items.items()}
        assert said["answer"] == ("", "Non", "Déjà utilisé ?")  # a choice, in words
        assert said["idea"] == ("Une idée\nUne condition à moi", "", "")
        assert said["support"] == ("", "", "Une idée")
        assert said["comment"] == ("Un commentaire", "", "Une idée")
        assert said["reaction"] == ("Les erreurs", "", "Et si… ?")
        assert said["feedback"] == ("Presque", "En partie", "Entendu")
        assert [kind.key for kind in contributions.KINDS.values() if not kind.has_text] == \
            ["support"]


def test_written_in_sql_is_text_in_python(app):
    """Moderation counts in SQL what it shows in Python: a kind has text exactly when the
    person wrote some (a chosen answer, an empty comment or a support have none)."""
    with app.app_context(), app.test_request_context():
        consultation = make_consultation()
        items = one_of_each(consultation)
        free_text = next(p for p in consultation.phase("interview").prompts
                         if p.kind == "free_text")
        person = Participant()
        items["written answer"] = Answer(prompt=free_text, participant=person, value="Oui")
        items["silent feedback"] = Feedback(finding=consultation.phase("results").findings[0],
                                            participant=person, reflects="yes", comment="")
        db.session.add_all(items.values())
        db.session.commit()
        for item in items.values():
            kind = contributions.kind_of(item)
            in_sql = db.session.execute(kind.select(kind.model.id).where(
                kind.model.id == item.id, kind.written())).scalar() is not None \
                if kind.has_text else False
            assert in_sql == bool(kind.text(item)), (kind.key, item.id)
        assert all(bool(kind.text_fields) == kind.has_text
                   for kind in contributions.KINDS.values())


def test_a_phase_records_one_kind_of_its_own(app):
    with app.app_context():
        consultation = make_consultation()
        recorded = {phase.kind: contributions.recorded_in(phase).key
                    for phase in consultation.phases}
    assert recorded == {"interview": "answer", "imagine": "idea", "prototype": "reaction",
                        "results": "feedback"}


def test_moderators_read_the_other_condition_of_an_idea(app, client):
    """The other condition is shown on the public idea page: moderators must see it too."""
    with app.app_context():
        consultation = make_consultation()
        one_of_each(consultation)
        act_as(client, make_user("moderator", team=consultation))
    queue = client.get("/animation/moderation").get_data(as_text=True)
    assert "Une condition à moi" in queue
