"""The phase registry: every kind × every action, allowed and refused, in rules and pages."""

from datetime import timedelta

import pytest
from consultations_factory import count, ids, make_consultation

from consultations.models import Answer, Comment, Feedback, Idea, Reaction, Support, utcnow
from consultations.phases import KINDS, READING_ACTIONS, Action, check

WRITE_ACTIONS = [action for action in Action if action not in READING_ACTIONS]


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("action", list(Action))
def test_an_open_phase_allows_exactly_what_its_kind_declares(ctx, kind, action):
    consultation = make_consultation()
    verdict = check(consultation.phase(kind), action)
    assert bool(verdict) == (action in KINDS[kind].allows)
    if not verdict:
        assert "pas possible dans cette étape" in verdict.reason


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("state", ["upcoming", "closed"])
def test_write_actions_need_an_open_phase(ctx, kind, state):
    consultation = make_consultation(**{kind: state})
    phase = consultation.phase(kind)
    for action in KINDS[kind].allows - READING_ACTIONS:
        verdict = check(phase, action)
        assert not verdict
        assert "Rien n’a été enregistré" in verdict.reason


def test_findings_can_be_read_once_the_phase_started(ctx):
    assert check(make_consultation("a", results="closed").phase("results"), Action.READ_FINDINGS)
    assert not check(make_consultation("b", results="upcoming").phase("results"),
                     Action.READ_FINDINGS)


def test_a_facilitator_can_close_a_phase_early(ctx):
    phase = make_consultation().phase("imagine")
    assert phase.state() == "open"
    phase.closed_early_at = utcnow() - timedelta(minutes=1)
    assert phase.state() == "closed"
    assert not check(phase, Action.SUBMIT_IDEA)


def test_a_closed_consultation_refuses_every_write_action(ctx):
    consultation = make_consultation(status="closed")
    for kind in KINDS.values():
        for action in kind.allows - READING_ACTIONS:
            assert not check(consultation.phase(kind.key), action)


# On the site: one request per action, with what it stores.
def _request(action: Action, known: dict):
    base = "/consultations/essai"
    prompts = known["prompts"]
    return {
        Action.ANSWER_PROMPTS: (f"{base}/entrevue", {f"answer-{prompts[0]}": "Une réponse"},
                                Answer),
        Action.SUBMIT_IDEA: (f"{base}/imaginer", {"text": "une idée neuve"}, Idea),
        Action.SUPPORT_IDEA: (f"{base}/idees/{known['idea']}/soutenir", {}, Support),
        Action.COMMENT_IDEA: (f"{base}/idees/{known['idea']}/commentaires",
                              {"text": "Un commentaire"}, Comment),
        Action.REACT_TO_SCENARIO: (f"{base}/scenarios/{known['scenario']}",
                                   {"acceptability": "4", "usefulness": "5"}, Reaction),
        Action.REACT_TO_FINDING: (f"{base}/resultats/{known['finding']}", {"reflects": "yes"},
                                  Feedback),
    }[action]


def _owner_kind(action: Action) -> str:
    return next(key for key, kind in KINDS.items() if action in kind.allows)


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_each_action_is_stored_when_its_phase_is_open(app, client, action):
    with app.app_context():
        known = ids(make_consultation())
        url, data, model = _request(action, known)
        before = count(model)
    response = client.post(url, data={**data, "consent": "yes"})
    assert response.status_code == 303
    with app.app_context():
        assert count(model) == before + 1


@pytest.mark.parametrize("action", WRITE_ACTIONS)
@pytest.mark.parametrize("state", ["upcoming", "closed"])
def test_each_action_is_refused_with_a_plain_reason_outside_its_open_phase(
        app, client, action, state):
    with app.app_context():
        known = ids(make_consultation(**{_owner_kind(action): state}))
        url, data, model = _request(action, known)
        before = count(model)
    response = client.post(url, data={**data, "consent": "yes"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Rien n’a été enregistré" in response.get_data(as_text=True)
    with app.app_context():
        assert count(model) == before


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_a_refusal_answers_htmx_with_a_fragment(app, client, action):
    with app.app_context():
        known = ids(make_consultation(**{_owner_kind(action): "closed"}))
        url, data, _model = _request(action, known)
    response = client.post(url, data={**data, "consent": "yes"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "terminée" in html


def test_results_page_explains_when_findings_are_not_published_yet(app, client):
    with app.app_context():
        make_consultation(results="upcoming")
    html = client.get("/consultations/essai/resultats").get_data(as_text=True)
    assert "pas encore commencé" in html and "Entendu" not in html


def test_views_ask_the_registry_instead_of_comparing_phase_kinds():
    """Pages, workspace and templates ask the phase and contribution-kind registries; none
    compares a phase kind or a contribution kind with a name of its own."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "consultations"
    compares = re.compile(r"""(\bphase\.kind|(?<![\w.])kind)\s*(==|!=|in\s*[(\[{]\s*['"])""")
    modules = [*(root / "views").glob("*.py"), *(root / "workspace").glob("*.py"),
               *root.glob("**/templates/**/*.html")]
    assert len(modules) > 40
    for module in modules:
        text = module.read_text()
        assert "phase.kind ==" not in text, module.name
        assert not compares.search(text), (module.name, compares.search(text).group(0))
