"""What an attacker sends, on every route that accepts a POST, for every role (issue 16).

The routes come from the app's URL map and their fields from the forms the site's own pages
show (crawled as every role), so a new form route is fuzzed without being listed here.
- Hostile form values: huge texts, lone surrogates and other invalid UTF-8, control, bidi and
  zero-width characters, numbers with 5,000 digits or in other scripts (², ٣), several values
  where one is expected; anonymous, participant, moderator, facilitator and admin.
- Hostile JSON on every JSON endpoint (/api/…): nesting, size, numbers, types, surrogates.
- The same valid form sent by three threads at once, from one browser, on every write route.
SQLite runs every route with a fresh world; PostgreSQL runs a sample over one world, and the
concurrent posts on both. Never a response ≥ 500, never a traceback.
"""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.extensions import db
from app.honeypot import FIELD as HONEYPOT
from consultations.models import Idea
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, _reset_postgres, _skip_or_fail
from tests.test_fuzz import CASES, FUZZ, PAYLOADS, check, config, json_value, nasty_text
from tests.workspace_factory import act_as, make_user, make_world

PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
STAFF = ("moderator", "facilitator", "admin")
ROLES = ("anonymous", "participant", *STAFF)
EXAMPLES_PER_ROUTE = 60
POSTGRES_EXAMPLES = 500
THREADS = 3


@pytest.fixture(scope="module", autouse=True)
def report_route_cases(request):
    before = sum(CASES.values())
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    routes = {label for label in CASES if label.startswith("form:")}
    line = (f"route fuzz cases: {sum(CASES.values()) - before} on {len(routes)} form routes "
            f"(SQLite), {CASES['postgres_form']} on PostgreSQL, {CASES['hostile_json']} hostile "
            f"JSON, {CASES['concurrent']} concurrent posts in {CASES['concurrent_rounds']} rounds")
    if reporter is not None:
        reporter.write_line(line)


# -- the world: a consultation with something behind every URL, and one client per role ------

class FormFields(HTMLParser):
    """The POST forms of a page: action path -> field name -> values the page offers (none
    for a field people type in)."""

    OFFERING = ("hidden", "radio", "checkbox", "submit")

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._form = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "get").lower() == "post"
            path = urlsplit(attrs.get("action") or "").path
            self._form = self.forms.setdefault(path, {}) if post else None
            return
        if self._form is None:
            return
        if tag == "option" and self._select is not None:
            self._form[self._select].append(attrs.get("value") or "")
        name = attrs.get("name")
        if not name or tag not in ("input", "select", "textarea", "button"):
            return
        offered = self._form.setdefault(name, [])
        if tag == "select":
            self._select = name
        elif tag == "button" or attrs.get("type") in self.OFFERING:
            offered.append(attrs.get("value") or "on")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def make_app(tmp_path, cache_dir, database_url=None):
    settings_ = config(tmp_path, cache_dir)
    if database_url:
        settings_["SQLALCHEMY_DATABASE_URI"] = database_url
    application = create_app(settings_)
    if database_url:
        _reset_postgres(application)
    with application.app_context():
        db.create_all()
    return application


def build_world(app) -> dict:
    """Ids for every URL parameter, a client per role, the fields of every form."""
    with app.app_context():
        values = make_world()
        users = {role: make_user(role) for role in STAFF}
    participant = app.test_client()
    slug = "essai"
    participant.get(f"/consultations/{slug}/imaginer")
    participant.post(f"/consultations/{slug}/imaginer", data={
        "text": "Mon idée à moi", "consent": "yes"})
    with app.app_context():
        own = db.session.execute(db.select(Idea.id).where(Idea.text == "Mon idée à moi")
                                 ).scalar_one()
    values.update(slug=slug, idea_id=values["contribution_id"], own_idea=own)
    world = {"values": values, "users": users, "participant": participant,
             "forms": {}, "app": app}
    for role in ("participant", "admin"):
        crawl(world, role)
    return world


def client_for(world, role: str):
    if role == "anonymous":
        return world["app"].test_client()
    if role == "participant":
        return world["participant"]
    client = world.setdefault("staff", {}).get(role) or world["app"].test_client()
    world["staff"][role] = client
    act_as(client, world["users"][role])  # again: a logout example may have ended it
    return client


def url_values(rule, world) -> dict:
    """A value for each parameter of the route; unknown ones get a plausible id."""
    values = world["values"]
    mine = rule.rule.startswith("/mes-contributions")
    known = {**values, "kind": "idee" if mine else "idea",
             "contribution_id": values["own_idea"] if mine else values["contribution_id"]}
    return {name: known.get(name, 1) for name in rule.arguments}


def path_of(rule, world) -> str:
    values = url_values(rule, world)
    return PARAMETER.sub(lambda found: quote(str(values[found.group(1)])), rule.rule)


def crawl(world, role: str) -> None:
    """Every page without a file download, as `role`: the forms it shows."""
    client = client_for(world, role)
    for rule in world["app"].url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "." in rule.rule[-6:]:
            continue
        response = client.get(path_of(rule, world))
        if response.status_code == 200 and response.mimetype == "text/html":
            parser = FormFields()
            parser.feed(response.get_data(as_text=True))
            for action, fields in parser.forms.items():
                known = world["forms"].setdefault(action, {})
                for name, offered in fields.items():
                    known.setdefault(name, set()).update(offered)


def post_routes(app) -> list:
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods
                   and not rule.rule.startswith("/api/")), key=lambda rule: rule.rule)


def fields_of(world, path: str) -> dict:
    fields = {name: sorted(values) for name, values in world["forms"].get(path, {}).items()}
    fields.pop("csrf_token", None)
    fields[HONEYPOT] = [""]  # filled, it answers "thank you" and stores nothing
    return fields


# -- what an attacker sends ----------------------------------------------------------------

numbers = st.sampled_from([
    "9" * 5000, "-" + "9" * 5000, "1" + "0" * 400, "²", "٣", "１２", "1e400", "NaN", "-0", "0x1F",
    " 7 ", "+1", "1_0", "3.5", str(2**31), str(2**63), str(2**64), "-1", "0", "-2147483649"])
controls = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Cs"]),
                   min_size=1, max_size=30)
surrogates = st.tuples(st.text(max_size=10), st.text(
    alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3)).map("".join)
huge = st.sampled_from([2001, 5000, 70_000]).map(lambda n: "x" * n)
hostile = st.one_of(nasty_text, numbers, controls, surrogates, huge, st.sampled_from(PAYLOADS))


def field_values(offered: list[str]):
    """One field: a value its form offers, a hostile one, or several values where one goes."""
    one = st.one_of(st.sampled_from(offered), hostile) if offered else hostile
    return st.one_of(one, one, st.lists(one, min_size=2, max_size=4))


def hostile_form(fields: dict):
    known = st.fixed_dictionaries({}, optional={
        name: field_values(offered) for name, offered in fields.items()})
    extra = st.dictionaries(st.sampled_from(["members", "ideas", "into", "decision", "status",
                                             "question", "page", "next", "confirm_personal"]),
                            field_values([]), max_size=2)
    return st.tuples(extra, known).map(lambda pair: {**pair[0], **pair[1]})


def encode(form: dict) -> bytes:
    """The form as a browser could never send it: lone surrogates encoded as their (invalid)
    UTF-8 bytes, every control character as sent."""
    pairs = []
    for name, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(quote(name.encode("utf-8", "surrogatepass")) + "=" +
                         quote(item.encode("utf-8", "surrogatepass")))
    return "&".join(pairs).encode("ascii")


def send(world, role: str, path: str, form: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    return client_for(world, role).post(path, data=encode(form), headers=headers,
                                        content_type="application/x-www-form-urlencoded")


# -- SQLite: every route, its own world -----------------------------------------------------

def pytest_generate_tests(metafunc):
    if "route" in metafunc.fixturenames:
        app = create_app({"TESTING": True, "SECRET_KEY": "x",
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        metafunc.parametrize("route", [rule.rule for rule in post_routes(app)])


def worlds(database: str, tmp_path, cache_dir):
    """A fixture's world on SQLite or PostgreSQL (skipped, or failed when required, if none)."""
    url = None
    if database == "postgresql":
        if not POSTGRES_URL:
            _skip_or_fail("PostgreSQL tests need TEST_DATABASE_URL=postgresql://…",
                          REQUIRE_POSTGRES)
        url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    app = make_app(tmp_path, cache_dir, url)
    yield build_world(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(tmp_path, chatbot_cache_dir):
    yield from worlds("sqlite", tmp_path, chatbot_cache_dir)


def test_every_form_route_survives_hostile_values_for_every_role(world, route):
    rule = next(r for r in post_routes(world["app"]) if r.rule == route)
    path = path_of(rule, world)
    fields = fields_of(world, path)

    @settings(max_examples=EXAMPLES_PER_ROUTE, **FUZZ)
    @given(role=st.sampled_from(ROLES), form=hostile_form(fields), htmx=st.booleans())
    def run(role, form, htmx):
        check(send(world, role, path, form, htmx), f"form:{rule.endpoint}")

    run()


def test_the_crawl_finds_the_forms_of_the_routes(world):
    """Guards the fuzz above: most routes get their real fields, not only guesses."""
    paths = [path_of(rule, world) for rule in post_routes(world["app"])]
    with_fields = [path for path in paths if fields_of(world, path)]
    assert len(with_fields) >= 0.75 * len(paths), sorted(set(paths) - set(with_fields))


# -- PostgreSQL: a sample of every route over one world -------------------------------------

@pytest.fixture
def postgres_world(tmp_path, chatbot_cache_dir):
    yield from worlds("postgresql", tmp_path, chatbot_cache_dir)


@pytest.mark.postgres
def test_form_routes_survive_hostile_values_on_postgresql(postgres_world):
    world = postgres_world
    routes = post_routes(world["app"])

    @settings(max_examples=POSTGRES_EXAMPLES, **FUZZ)
    @given(rule=st.sampled_from(routes), role=st.sampled_from(ROLES), data=st.data(),
           htmx=st.booleans())
    def run(rule, role, data, htmx):
        path = path_of(rule, world)
        form = data.draw(hostile_form(fields_of(world, path)))
        check(send(world, role, path, form, htmx), "postgres_form")

    run()


# -- hostile JSON on every JSON endpoint ----------------------------------------------------

def json_routes(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and rule.rule.startswith("/api/"))


def _fields(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f'"{key}": {value}' for key, value in pairs) + "}"


hostile_json = st.one_of(
    st.integers(33, 20_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1_000, 100_000).map(lambda n: "[" * n),
    st.integers(33, 5_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(41, 5_000).map(lambda n: _fields([("question", '"IA"'), ("lang", "9" * n)])),
    st.sampled_from(["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" * 4301]).map(
        lambda number: _fields([("question", '"IA"'), ("simple", number)])),
    st.sampled_from(['"\\ud800"', '"\\udfff"', '"a\\ud83d"', '"\\udc00b"', '"\ud800"']).flatmap(
        lambda text: st.sampled_from([_fields([("question", text)]),
                                      _fields([("question", '"IA"'), ("lang", text)]),
                                      "{" + text + ': "IA"}', "[" + text + "]"])),
    st.just('{"question": "a", "question": "b"}'),
    st.integers(100_000, 300_000).map(lambda n: _fields([("question", '"' + "x" * n + '"')])),
    st.fixed_dictionaries({}, optional={"question": json_value, "lang": json_value,
                                        "simple": json_value}).map(json.dumps),
).map(lambda text: text.encode("utf-8", "surrogatepass"))
hostile_json = st.one_of(hostile_json, hostile_json.map(lambda data: data.decode(
    "utf-8", "surrogatepass").encode("utf-16", "surrogatepass")), st.binary(max_size=200))


def test_every_json_endpoint_refuses_hostile_json_plainly(world):
    app = world["app"]
    routes = json_routes(app)
    assert routes, "no JSON endpoint found"

    @settings(max_examples=800, **FUZZ)
    @given(route=st.sampled_from(routes), data=hostile_json)
    def run(route, data):
        response = app.test_client().post(route, data=data, content_type="application/json")
        check(response, "hostile_json")
        assert response.status_code in (200, 400, 413), response.status_code
        if response.status_code != 200:
            assert response.get_json()["message"]

    run()


# -- the same valid form, three times at once, on every write route ------------------------

def valid_form(fields: dict) -> dict:
    """What a person filling the form in would send: each offered value's first, a plain text
    elsewhere."""
    return {name: (offered[0] if offered else "Un texte ordinaire, sans rien de personnel")
            for name, offered in fields.items()}


def at_once(clients, path, form):
    barrier = threading.Barrier(len(clients))

    def one(client):
        barrier.wait()
        return client.post(path, data=form)

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(one, clients))


def same_browser(world, role: str, count: int) -> list:
    """`count` clients carrying the cookies of one browser: the account's, the participant's
    who owns what /mes-contributions names, else a new browser that opened a form page."""
    if role == "new browser":
        source = world["app"].test_client()
        source.get(f"/consultations/{world['values']['slug']}/imaginer")
    else:
        source = client_for(world, role)
    cookie = source.get_cookie("session")
    clients = [world["app"].test_client() for _ in range(count)]
    for client in clients:
        if cookie is not None:
            client.set_cookie("session", cookie.value)
    return clients


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_world(request, tmp_path, chatbot_cache_dir):
    yield from worlds(request.param, tmp_path, chatbot_cache_dir)


def test_every_write_route_survives_the_same_post_three_times_at_once(any_world):
    world = any_world
    rounds = 0
    for rule in post_routes(world["app"]):
        path = path_of(rule, world)
        role = ("admin" if rule.rule.startswith("/animation") else "participant"
                if rule.rule.startswith("/mes-contributions") else "new browser")
        form = valid_form(fields_of(world, path))
        for response in at_once(same_browser(world, role, THREADS), path, form):
            check(response, "concurrent")
        rounds += 1
    CASES["concurrent_rounds"] += rounds
    assert rounds == len(post_routes(world["app"]))
