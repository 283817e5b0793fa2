"""Which way the imports point (issue 14, item 2). The layering chosen: `app/` holds the shared
base (extensions, database helpers, locale and request helpers, errors, uploads, mail, the task
queue) that the features import, and the factory (`app/__init__.py`) is the only module of
`app/` that imports the features, to register them. The chatbot library (everything in
`chatbot/` but `chatbot/web/`) knows nothing of Flask, of this site or of its features."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ("consultations", "chatbot", "knowledge")
SHARED_BASE = {"app.extensions", "app.database", "app.i18n", "app.errors", "app.uploads",
               "app.mail", "app.json_body", "app.tasks", "app.page_cache",
               "app.recent"}
# The site-wide backup command exports and restores consultations: it sits with the factory.
APP_MODULES_USING_FEATURES = {"__init__.py", "backup.py"}
WEB = ("flask", "flask_babel", "flask_sqlalchemy", "werkzeug", "jinja2", "app", *FEATURES)


def imported(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_chatbot_library_knows_nothing_of_the_site():
    library = [p for p in (ROOT / "chatbot").rglob("*.py") if "web" not in p.parts]
    assert len(library) > 15
    wrong = {str(p.relative_to(ROOT)): sorted(m for m in imported(p) if top(m) in WEB
                                              and top(m) != "chatbot")
             for p in library}
    assert {path: names for path, names in wrong.items() if names} == {}


def test_only_the_factory_imports_the_features():
    wrong = {}
    for path in (ROOT / "app").glob("*.py"):
        if path.name in APP_MODULES_USING_FEATURES:
            continue
        names = sorted(m for m in imported(path) if top(m) in FEATURES)
        if names:
            wrong[path.name] = names
    assert wrong == {}


def test_features_import_only_the_shared_base_of_app():
    wrong = {}
    for feature in FEATURES:
        for path in (ROOT / feature).rglob("*.py"):
            names = sorted(m for m in imported(path)
                           if top(m) == "app" and m not in SHARED_BASE)
            if names:
                wrong[str(path.relative_to(ROOT))] = names
    assert wrong == {}
