"""Concurrency and crash check: nothing acknowledged is lost or counted twice.

    python tools/load_check.py [--database-url URL] [--participants 50] [--actions 20] [--crash]

Serves the app with gunicorn on loopback, then N participants (threads, each with its own
cookies and CSRF token) submit ideas and supports at once; some forms are sent twice. With
--crash the server is killed with SIGKILL in the middle and restarted. Afterwards every write the
server acknowledged (303) must be stored exactly once, support counts must be exact, no response
may be a 5xx, and the database must pass its integrity check. Exits non-zero otherwise.
"""

import argparse
import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SLUG = "ia-services-publics"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Participant:
    """One browser: its own cookie jar and CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        self.csrf = None

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """One request; while the server is down (crash test) the same request is retried,
        so a form whose reply was lost is sent again with its same idempotency token."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        for _ in range(60):
            try:
                with self.opener.open(self.base + path, data=body, timeout=30) as response:
                    return (response.status, response.headers.get("Location", ""),
                            response.read().decode())
            except urllib.error.HTTPError as error:
                return error.code, error.headers.get("Location", ""), error.read().decode()
            except (OSError, http.client.HTTPException):
                time.sleep(0.25)
        return 0, "", ""

    def load_form(self) -> None:
        status, _, page = self.request(f"/consultations/{SLUG}/imaginer")
        if status != 200:
            raise RuntimeError(f"imagine page answered {status}")
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.attempted = Counter()
        self.acknowledged_ideas: dict[str, int] = {}  # text -> idea id
        self.acknowledged_supports: set[tuple[str, int]] = set()  # (participant, idea id)
        self.statuses = Counter()

    def record(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1


def participant_run(index: int, base: str, actions: int, tally: Tally, ideas: list,
                    stop: threading.Event) -> None:
    person = Participant(base)
    try:
        person.load_form()
    except Exception:  # a participant who cannot even load the page counts as a failure
        tally.record(0)
        return
    name = f"p{index}"
    mine: set[int] = set()  # one cannot support one's own idea
    for step in range(actions):
        if stop.is_set():
            return
        with tally.lock:
            others = [idea for idea in ideas if idea not in mine]
        if step % 2 == 0 or not others:
            text = f"Idée de charge {name}-{step} : que l'IA explique ses décisions."
            form = {"csrf_token": person.csrf, "form_token": str(uuid.uuid4()), "text": text,
                    "consent": "yes", "conditions": ["explained"]}
            for _attempt in range(2 if step % 6 == 0 else 1):  # some forms are sent twice
                with tally.lock:
                    tally.attempted["idea"] += 1
                try:
                    status, location, _ = person.request(f"/consultations/{SLUG}/imaginer", form)
                except OSError:
                    tally.record(0)
                    continue
                tally.record(status)
                match = re.search(r"/idees/(\d+)", location)
                if status == 303 and match:
                    with tally.lock:
                        tally.acknowledged_ideas[text] = int(match.group(1))
                        ideas.append(int(match.group(1)))
                    mine.add(int(match.group(1)))
        else:
            with tally.lock:
                idea_id = others[(index * 7 + step) % len(others)]
                tally.attempted["support"] += 1
            try:
                status, _, _ = person.request(
                    f"/consultations/{SLUG}/idees/{idea_id}/soutenir",
                    {"csrf_token": person.csrf, "consent": "yes"})
            except OSError:
                tally.record(0)
                continue
            tally.record(status)
            if status == 303:
                with tally.lock:
                    tally.acknowledged_supports.add((name, idea_id))


def reset_postgres(url: str) -> None:
    """The check starts from an empty database: it must be one made for it."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start_server(env: dict, port: int, options: tuple = ("--threads", "4"),
                 wait_seconds: float = 30) -> subprocess.Popen:
    """gunicorn (2 workers) on loopback, in its own process group; returns once /sante answers.
    tools/bench.py starts its server through here too."""
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", *options, "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:create_app()"],
        env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sante", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def verify(env: dict, tally: Tally, crashed: bool) -> list[str]:
    """Compare what the server acknowledged with what the database holds."""
    os.environ.update(env)
    from app import create_app
    from app.extensions import db
    from consultations.models import Idea, Support
    problems = []
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL_RESOLVED"]})
    with app.app_context():
        rows = db.session.execute(
            db.select(Idea.id, Idea.text).where(Idea.text.like("Idée de charge %"))).all()
        stored = Counter(text for _, text in rows)
        for text in tally.acknowledged_ideas:
            if stored[text] != 1:
                problems.append(f"acknowledged idea stored {stored[text]} times: {text}")
        duplicates = [text for text, count in stored.items() if count > 1]
        problems += [f"idea stored twice: {text}" for text in duplicates]
        supports = Counter(idea_id for (idea_id,) in db.session.execute(
            db.select(Support.idea_id).join(Idea).where(Idea.text.like("Idée de charge %"))))
        expected = Counter(idea_id for _, idea_id in tally.acknowledged_supports)
        # After a crash a write can be stored yet unacknowledged (the reply was lost): then
        # stored may exceed acknowledged, never the reverse.
        for idea_id in set(expected) | set(supports):
            lost = supports[idea_id] < expected[idea_id]
            if lost or (not crashed and supports[idea_id] != expected[idea_id]):
                problems.append(f"idea {idea_id}: {expected[idea_id]} supports acknowledged, "
                                f"{supports[idea_id]} stored")
        if db.engine.dialect.name == "sqlite":
            result = db.session.execute(db.text("PRAGMA integrity_check")).scalar()
            if result != "ok":
                problems.append(f"SQLite integrity check: {result}")
        db.engine.dispose()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--actions", type=int, default=20)
    parser.add_argument("--crash", action="store_true")
    parser.add_argument("--port", type=int, default=5093)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="load-check-"))
    url = args.database_url or f"sqlite:///{instance / 'load.sqlite3'}"
    env = dict(os.environ, INSTANCE_PATH=str(instance), DATABASE_URL=url, RATELIMIT_ENABLED="0",
               FLASK_APP="app:create_app", SECRET_KEY="load-check")
    os.environ["DATABASE_URL"] = url
    from app.config import database_url
    env["DATABASE_URL_RESOLVED"] = database_url(instance)
    if args.database_url:
        reset_postgres(env["DATABASE_URL_RESOLVED"])
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    subprocess.run([str(BIN / "flask"), "demo", "load"], env=env, cwd=ROOT, check=True,
                   capture_output=True)

    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port)
    tally, ideas, stop = Tally(), [], threading.Event()
    threads = [threading.Thread(target=participant_run,
                                args=(i, base, args.actions, tally, ideas, stop))
               for i in range(args.participants)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if args.crash:
        time.sleep(3)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        print("server killed with SIGKILL during the load; restarting it")
        server = start_server(env, args.port)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    status, _, _ = Participant(base).request(f"/consultations/{SLUG}/imaginer")
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(10)

    problems = verify(env, tally, crashed=args.crash)
    server_errors = sum(count for code, count in tally.statuses.items() if code >= 500)
    if server_errors:
        problems.append(f"{server_errors} responses were 5xx")
    if status != 200:
        problems.append(f"after the run the site answered {status}")
    print(f"database: {url.split('://')[0]}, participants: {args.participants}, "
          f"{elapsed:.1f} s")
    print(f"ideas attempted {tally.attempted['idea']}, acknowledged "
          f"{len(tally.acknowledged_ideas)}; supports attempted {tally.attempted['support']}, "
          f"acknowledged {len(tally.acknowledged_supports)}")
    print(f"responses: {dict(sorted(tally.statuses.items()))}")
    for problem in problems[:20]:
        print("PROBLEM:", problem)
    print("OK" if not problems else f"FAILED ({len(problems)} problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
