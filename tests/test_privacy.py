"""Privacy: "delete everything I gave" leaves nothing; exports hold no personal data by
default; logs hold no question text and no personal data; no IP address in any table; the
chatbot log purge command."""

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from werkzeug.exceptions import InternalServerError

from app.extensions import db
from chatbot.web.question_log import ChatQuestion
from consultations.models import Idea, Participant
from consultations.participants import SESSION_KEY
from consultations.workspace.models import ContributionReport, ModerationReview, Theme, ThemeMember
from tests.consultations_factory import ids, make_consultation
from tests.workspace_factory import act_as, make_user

MARK = "zq-participant-trace"
EMAIL = "marie.tremblay@example.org"
IP = "203.0.113.77"


def contribute_everything(client, found: dict, slug: str) -> None:
    """Every kind of contribution, a support, reactions, a profile and consent."""
    def ok(response):
        assert response.status_code in (200, 303), response.status_code

    ok(client.post(f"/consultations/{slug}/imaginer", data={
        "text": f"{MARK} idée", "consent": "yes", "pseudonym": f"{MARK}-nom"}))
    ok(client.post(f"/consultations/{slug}/idees/{found['idea']}/commentaires",
                   data={"text": f"{MARK} commentaire"}))
    ok(client.post(f"/consultations/{slug}/idees/{found['idea']}/soutenir", data={}))
    ok(client.post(f"/consultations/{slug}/entrevue", data={
        f"answer-{found['prompts'][0]}": f"{MARK} réponse", f"answer-{found['prompts'][2]}": "4"}))
    ok(client.post(f"/consultations/{slug}/scenarios/{found['scenario']}", data={
        "acceptability": "3", "usefulness": "4", "concerns": f"{MARK} crainte"}))
    ok(client.post(f"/consultations/{slug}/resultats/{found['finding']}", data={
        "reflects": "partly", "comment": f"{MARK} avis"}))
    ok(client.post("/mes-contributions/profil", data={
        "region": f"{MARK} région", "age_band": "35_54", "online_services_use": "often"}))


def rows_mentioning(participant_id: int, marker: str) -> list[str]:
    """Every row of every table linked to the participant (by id or by copied text)."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                linked = column == "participant_id" and value == participant_id
                copied = isinstance(value, str) and marker in value
                if linked or copied:
                    found.append(f"{table.name}.{column}")
    return found


def test_delete_everything_leaves_no_row_linked_to_the_participant(app, client):
    with app.app_context():
        found = ids(make_consultation())
    contribute_everything(client, found, "essai")
    with client.session_transaction() as session:
        key = session[SESSION_KEY]
    with app.app_context():
        participant = db.session.execute(
            db.select(Participant).filter_by(key=key)).scalar_one()
        assert participant.consent_version and participant.region
        pid = participant.id
        own_idea = db.session.execute(db.select(Idea).filter_by(participant_id=pid)).scalar_one()
        # What the workspace copies or links: a theme quote, a report, a review.
        theme = Theme(phase_id=own_idea.phase_id, label="Thème", status="accepted")
        theme.members.append(ThemeMember(kind="idea", contribution_id=own_idea.id,
                                         text=own_idea.text))
        db.session.add_all([theme, ContributionReport(kind="idea", contribution_id=own_idea.id),
                            ModerationReview(kind="idea", contribution_id=own_idea.id)])
        db.session.commit()
        idea_id = own_idea.id
        assert len(rows_mentioning(pid, MARK)) >= 8
    response = client.post("/mes-contributions/tout-effacer")
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert SESSION_KEY not in session  # the cookie no longer links to anyone
    with app.app_context():
        db.session.expire_all()
        assert rows_mentioning(pid, MARK) == []
        assert db.session.get(Participant, pid) is None
        for table in (ThemeMember, ContributionReport, ModerationReview):
            assert not db.session.execute(db.select(table).filter_by(
                kind="idea", contribution_id=idea_id)).first(), table.__tablename__
    assert MARK not in client.get("/mes-contributions").get_data(as_text=True)


def chat_texts(app) -> list[str]:
    with app.app_context():
        return db.session.execute(db.select(ChatQuestion.text)).scalars().all()


def test_delete_everything_removes_the_chat_questions_asked_from_this_browser(app, client):
    """Issue 16, item 10: the log, the dashboard and the chat history kept them."""
    with app.app_context():
        found = ids(make_consultation())
        consultation_id = db.session.execute(sa.text("SELECT id FROM consultation")).scalar()
        admin = make_user("admin")
    contribute_everything(client, found, "essai")
    client.post("/chat", data={"question": f"{MARK} qui décide quand l'IA est utilisée ?"})
    client.post("/chat", data={"question": f"{MARK} quelle météo demain ?"})  # declined
    client.post("/chat", data={"question": f"{MARK} {EMAIL} lit-on mes dossiers ?"})  # refused
    someone_else = app.test_client()
    someone_else.post("/chat", data={"question": "zq-autre qui décide quand l'IA est utilisée ?"})
    facilitator = app.test_client()
    act_as(facilitator, admin)
    dashboard = f"/animation/consultations/{consultation_id}/tableau-de-bord"
    assert MARK in facilitator.get(dashboard).get_data(as_text=True)
    assert MARK in client.get("/chat").get_data(as_text=True)
    assert len(chat_texts(app)) == 4
    page = client.get("/mes-contributions/tout-effacer").get_data(as_text=True)  # asks first
    assert "Vos questions à l’assistant (3)" in page
    assert "Ce sont vos questions posées sur ce navigateur." in page
    assert "Nous gardons vos questions posées sur un autre appareil." in page  # what stays

    client.post("/mes-contributions/tout-effacer")
    assert not any(MARK in (text or "") for text in chat_texts(app))
    assert chat_texts(app) == ["zq-autre qui décide quand l'IA est utilisée ?"]
    assert MARK not in facilitator.get(dashboard).get_data(as_text=True)
    assert MARK not in client.get("/chat").get_data(as_text=True)
    assert "zq-autre" in someone_else.get("/chat").get_data(as_text=True)


def test_a_person_who_only_chatted_can_delete_their_questions(app, client):
    client.post("/chat", data={"question": f"{MARK} qui décide quand l'IA est utilisée ?"})
    page = client.get("/mes-contributions").get_data(as_text=True)
    assert "/mes-contributions/tout-effacer" in page
    client.post("/mes-contributions/tout-effacer")
    assert chat_texts(app) == []


def test_default_exports_hold_no_personal_data(app, client):
    with app.app_context():
        found = ids(make_consultation())
        consultation_id = db.session.execute(db.select(Idea.phase_id)).scalar()
        from consultations.models import Consultation
        consultation_id = db.session.execute(db.select(Consultation.id)).scalar_one()
        admin = make_user("admin")
    contribute_everything(client, found, "essai")
    facilitator = app.test_client()
    act_as(facilitator, admin)
    csv_text = facilitator.get(
        f"/animation/consultations/{consultation_id}/export.csv").get_data(as_text=True)
    document = facilitator.get(
        f"/animation/consultations/{consultation_id}/export.json").get_data(as_text=True)
    report = facilitator.get(
        f"/animation/consultations/{consultation_id}/rapport.md").get_data(as_text=True)
    for name, text in (("csv", csv_text), ("json", document), ("report", report)):
        assert f"{MARK}-nom" not in text, name  # the chosen pseudonym
        assert f"{MARK} région" not in text, name  # the profile
        assert "35_54" not in text and "age_band" not in text.split("\n")[0], name
    header = csv_text.lstrip("\ufeff").splitlines()[0].split(",")
    assert "participant" not in header and "region" not in header
    parsed = json.loads(document)
    assert parsed["options"]["profile"] is False
    assert all("profile" not in person for person in parsed.get("participants", []))


def test_logs_hold_no_question_text_and_no_personal_data(app, client, caplog):
    @app.post("/_crash")
    def crash():
        raise InternalServerError()

    caplog.set_level(logging.DEBUG)
    client.post("/chat", data={"question": f"Mon courriel est {EMAIL}, que faites-vous ?"})
    client.post("/api/chat", json={"question": f"Écrivez à {EMAIL} sur l'IA"})
    client.post("/chat", data={"question": "zq-question-unique sur la transparence"})
    response = client.post("/_crash", data={"text": f"contact {EMAIL}", "email": EMAIL},
                           query_string={"email": EMAIL})
    assert response.status_code == 500
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "Unexpected error" in logged  # the 500 was logged, without the form
    assert EMAIL not in logged
    assert "zq-question-unique" not in logged
    with app.app_context():
        kept = db.session.execute(db.select(ChatQuestion.text)).scalars().all()
    assert not any(EMAIL in (text or "") for text in kept)


def test_no_ip_address_is_stored_in_any_table(app, client):
    with app.app_context():
        found = ids(make_consultation())
    environ = {"REMOTE_ADDR": IP}
    client.environ_base.update(environ)
    contribute_everything(client, found, "essai")
    client.post("/chat", data={"question": "Qui décide ?"}, headers={"X-Forwarded-For": IP})
    client.post("/api/chat", json={"question": "Qui décide ?"})
    client.post(f"/signaler/idea/{found['idea']}", data={"reason": "spam"})
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    assert IP not in str(value), f"{table.name}.{column}"


def test_purge_command_removes_old_chatbot_questions(app):
    with app.app_context():
        old = datetime.now(UTC) - timedelta(days=app.config["CHATBOT_LOG_RETENTION_DAYS"] + 1)
        db.session.add_all([
            ChatQuestion(lang="fr", text="ancienne", answered=True, asked_at=old),
            ChatQuestion(lang="fr", text="récente", answered=True),
        ])
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["chatbot", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 question(s) removed" in result.output
    with app.app_context():
        assert db.session.execute(db.select(ChatQuestion.text)).scalars().all() == ["récente"]


def journey(client, found: dict, slug: str, mark: str) -> list[str]:
    """Everything a participant can give, each text unique; the texts typed."""
    typed = {name: f"{mark}-{name}" for name in (
        "idea", "other", "pseudonym", "edited", "comment", "answer", "accept_if", "concerns",
        "benefits", "feedback", "region", "profile_pseudonym")}
    sent = [
        client.post(f"/consultations/{slug}/imaginer", data={
            "text": typed["idea"], "other_condition": typed["other"],
            "pseudonym": typed["pseudonym"], "conditions": "know_when", "consent": "yes"}),
        client.post(f"/consultations/{slug}/idees/{found['idea']}/commentaires",
                    data={"text": typed["comment"]}),
        client.post(f"/consultations/{slug}/idees/{found['idea']}/soutenir", data={}),
        client.post(f"/consultations/{slug}/entrevue", data={
            f"answer-{found['prompts'][0]}": typed["answer"],
            f"answer-{found['prompts'][1]}": "0", f"answer-{found['prompts'][2]}": "4"}),
        client.post(f"/consultations/{slug}/scenarios/{found['scenario']}", data={
            "acceptability": "3", "usefulness": "4", "accept_if": typed["accept_if"],
            "concerns": typed["concerns"], "benefits": typed["benefits"]}),
        client.post(f"/consultations/{slug}/resultats/{found['finding']}", data={
            "reflects": "partly", "comment": typed["feedback"]}),
        client.post("/mes-contributions/profil", data={
            "region": typed["region"], "pseudonym": typed["profile_pseudonym"],
            "age_band": "35_54", "online_services_use": "often", "preferred_language": "fr"}),
    ]
    assert all(response.status_code == 303 for response in sent), [r.status_code for r in sent]
    with client.application.app_context():
        idea_id = db.session.execute(db.select(Idea.id).filter_by(text=typed["idea"])
                                     ).scalar_one()
    edit = client.post(f"/mes-contributions/idee/{idea_id}/modifier",
                       data={"text": typed["edited"]})
    assert edit.status_code == 303
    return list(typed.values())


def sqlite_files(app) -> list:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        return []
    path = url.removeprefix("sqlite:///")
    return [Path(path + suffix) for suffix in ("", "-wal", "-shm")]


def test_a_whole_journey_deleted_leaves_nothing_in_tables_files_or_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        found = ids(make_consultation())
    typed = journey(client, found, "essai", "zq-journey")
    files = sqlite_files(app)
    with app.app_context():
        assert rows_mentioning(-1, "zq-journey")  # stored, before the deletion
    if files:
        assert any(b"zq-journey" in path.read_bytes() for path in files if path.exists())
    assert client.post("/mes-contributions/tout-effacer").status_code == 303
    with app.app_context():
        db.session.expire_all()
        assert rows_mentioning(-1, "zq-journey") == []  # every column of every table
    for path in files:  # the database, and SQLite's write-ahead log and its index
        if path.exists():
            content = path.read_bytes()
            left = [text for text in typed if text.encode() in content]
            assert left == [], (path.name, left)  # was readable in -wal; no secure_delete
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "zq-journey" not in logged


def test_chat_questions_go_with_everything_else(app, client):
    client.post("/chat", data={"question": "zq-chat-question sur la transparence ?"})
    assert client.post("/mes-contributions/tout-effacer").status_code == 303
    with app.app_context():
        kept = db.session.execute(db.select(ChatQuestion.text)).scalars().all()
    assert not any("zq-chat-question" in (text or "") for text in kept)
