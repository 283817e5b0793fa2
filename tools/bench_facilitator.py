"""Facilitator work at scale: exports, the findings report and theme suggestion.

`run(rows, data)` is called by tools/bench.py (section `facilitator`); it can also run alone:
    .venv/bin/python tools/bench_facilitator.py [1000 10000 …]

For each size, a fresh SQLite instance gets the demo (for the structure: consultation, phases,
prompts, scenarios) and N generated contributions in the open demo consultation: interview
answers, ideas and scenario reactions, written in French and English from a few templates with
variation. Each task is timed once without tracemalloc (wall time and peak RSS growth), then
once more under tracemalloc (peak Python allocations); theme suggestion, which takes minutes at
large sizes, gets the tracemalloc pass only when its timed pass was short.
"""

import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 10_000)
EXPORT_TARGET_S = 5.0  # export of 10,000 contributions
TRACE_THEMES_UNDER_S = 30.0
SEED = 20250

# -- realistic text, from templates -----------------------------------------------------------

WHAT_AI_IS = {
    "fr": (["Pour moi, l'IA c'est", "Je dirais que l'intelligence artificielle est",
            "Honnêtement, l'IA me fait penser à", "L'IA, c'est surtout"],
           ["un programme qui devine ce que je vais écrire", "une machine qui trie des dossiers",
            "un outil qui traduit des lettres officielles", "des robots qui répondent au téléphone",
            "un calcul qui décide à la place des gens", "une aide pour remplir les formulaires",
            "quelque chose dont on parle à la radio sans l'expliquer",
            "un assistant qui résume de longs documents"],
           ["", ", pour le meilleur et pour le pire", ", mais je ne sais pas comment ça marche",
            ", et ça m'inquiète un peu pour mes parents", ", comme sur mon téléphone",
            ", ce qui peut faire gagner du temps"]),
    "en": (["To me, AI is", "I would say artificial intelligence is", "Honestly, AI makes me "
            "think of", "AI is mostly"],
           ["a program that guesses what I will type", "a machine that sorts files",
            "a tool that translates official letters", "robots answering the phone",
            "a calculation that decides instead of people", "help filling in forms",
            "something they talk about on the radio without explaining it",
            "an assistant that summarises long documents"],
           ["", ", for better or worse", ", but I do not know how it works",
            ", and it worries me a little for my parents", ", like on my phone",
            ", which can save time"]),
}
IDEA = {
    "fr": (["mon avis d'imposition", "ma demande de logement", "le renouvellement de mon permis",
            "mon dossier de santé", "l'inscription de mon enfant à l'école",
            "ma demande d'aide sociale", "le suivi de ma plainte", "mon rendez-vous à la mairie"],
           ["soit expliqué simplement par un assistant", "soit pré-rempli avec ce qu'on sait déjà",
            "soit traduit dans ma langue", "me prévienne des aides auxquelles j'ai droit",
            "indique le temps d'attente prévu", "soit suivi en ligne étape par étape"],
           ["", ", avec une personne à joindre en cas de doute", ", sans garder mes données",
            ", en me disant quand c'est une machine", ", et que je puisse contester",
            ", même le soir et la fin de semaine"]),
    "en": (["my tax notice", "my housing application", "renewing my licence", "my health record",
            "enrolling my child at school", "my benefit claim", "following up my complaint",
            "my appointment at city hall"],
           ["is explained simply by an assistant", "is pre-filled with what is already known",
            "is translated into my language", "warns me about benefits I am entitled to",
            "shows the expected waiting time", "can be followed online step by step"],
           ["", ", with a person to reach when in doubt", ", without keeping my data",
            ", telling me when it is a machine", ", and I can contest it",
            ", even in the evening and at weekends"]),
}
REACTION = {
    "fr": (["si je peux parler à quelqu'un le lundi", "si on me dit quelles données ont servi",
            "à condition qu'une personne vérifie", "si c'est facultatif",
            "seulement pour les cas simples"],
           ["Que mes anciennes données soient fausses.", "Être toujours classé en dernier.",
            "Que les personnes âgées soient oubliées.", "Que personne ne réponde en cas d'erreur.",
            "Que mes informations soient vendues."],
           ["Des réponses plus rapides.", "Moins de papiers à remplir.",
            "Un service disponible le soir.", "Moins d'erreurs de saisie."]),
    "en": (["if I can talk to someone on Monday", "if I am told which data were used",
            "as long as a person checks", "if it is optional", "only for simple cases"],
           ["That my old data are wrong.", "Always being put last.",
            "That older people are forgotten.", "That nobody answers when it goes wrong.",
            "That my information is sold."],
           ["Faster answers.", "Less paperwork.", "A service open in the evening.",
            "Fewer typing mistakes."]),
}
SHORT_ANSWERS = {"fr": ["Je ne sais pas.", "Aucune idée.", "Rien de spécial."],
                 "en": ["I don't know.", "No idea.", "Nothing special."]}
PLACES = ["Montréal", "Québec", "Sherbrooke", "Gaspé", "Laval", "Rimouski", "Gatineau", "Trois-"
          "Rivières", "Saguenay", "Lévis"]
ASIDES = {
    "fr": ["Ma mère a 82 ans.", "Je travaille de nuit.", "Je n'ai pas toujours internet.",
           "J'ai déjà attendu trois mois.", "Mon fils m'aide pour les papiers.",
           "Je suis arrivée au Québec il y a deux ans.", "Je me déplace en fauteuil.",
           "C'est important pour les petites villes.", "Merci de nous demander.",
           "Je l'ai vu à la bibliothèque.", "On en a parlé en atelier.",
           "Mon voisin est d'accord."],
    "en": ["My mother is 82.", "I work nights.", "I do not always have internet.",
           "I once waited three months.", "My son helps me with forms.",
           "I arrived in Quebec two years ago.", "I use a wheelchair.",
           "It matters for small towns.", "Thank you for asking.", "I saw it at the library.",
           "We talked about it in a workshop.", "My neighbour agrees."],
}
CHANNELS = ["online"] * 6 + ["in_person", "phone", "paper"]


def vary(text: str, rng: random.Random, lang: str) -> str:
    """What people add around the main point: where they live, a personal detail."""
    if rng.random() < 0.5:
        place = rng.choice(PLACES)
        text += f" (Je vis à {place}.)" if lang == "fr" else f" (I live in {place}.)"
    if rng.random() < 0.6:
        text += " " + rng.choice(ASIDES[lang])
    return text


def sentence(parts: tuple, rng: random.Random, lang: str) -> str:
    opening, middle, ending = (rng.choice(options) for options in parts[:3])
    text = vary(f"{opening} {middle}{ending}.", rng, lang)
    if rng.random() < 0.3:
        text += f" {rng.randint(2, 40)} " + ("minutes d'attente, c'est trop." if lang == "fr"
                                             else "minutes of waiting is too long.")
    return text[0].upper() + text[1:]


def free_answer(rng: random.Random, lang: str) -> str:
    if rng.random() < 0.08:
        return rng.choice(SHORT_ANSWERS[lang])
    return sentence(WHAT_AI_IS[lang], rng, lang)


def idea_text(rng: random.Random, lang: str) -> str:
    subject, action, ending = (rng.choice(options) for options in IDEA[lang])
    return vary(f"{subject} {action}{ending}.", rng, lang)


def reaction_fields(rng: random.Random, lang: str) -> dict:
    accept_if, concerns, benefits = REACTION[lang]
    return {"acceptability": rng.randint(1, 5), "usefulness": rng.randint(1, 5),
            "accept_if": rng.choice(accept_if) if rng.random() < 0.7 else None,
            "concerns": vary(rng.choice(concerns), rng, lang) if rng.random() < 0.6 else None,
            "benefits": rng.choice(benefits) if rng.random() < 0.5 else None}


# -- a fresh instance with N contributions ------------------------------------------------------

@contextmanager
def fresh_app(folder: Path):
    """create_app on a temporary instance folder (its own SQLite file and secret key)."""
    saved = os.environ.get("INSTANCE_PATH")
    os.environ["INSTANCE_PATH"] = str(folder)
    try:
        from app import create_app
        app = create_app({"INSTANCE_PATH": str(folder), "RATELIMIT_ENABLED": False,
                          "TASK_QUEUE_URL": "immediate",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}"})
    finally:
        if saved is None:
            os.environ.pop("INSTANCE_PATH", None)
        else:
            os.environ["INSTANCE_PATH"] = saved
    yield app


def generate(count: int, seed: int = SEED) -> dict:
    """Add `count` contributions to the open demo consultation; returns what was made."""
    import sqlalchemy as sa

    from app.extensions import db
    from consultations.demo import OPEN_SLUG, load_demo
    from consultations.models import Answer, Consultation, Idea, Participant, Reaction

    load_demo()
    consultation = db.session.execute(
        sa.select(Consultation).filter_by(slug=OPEN_SLUG)).scalar_one()
    prompts = consultation.phase("interview").prompts
    scenarios = consultation.phase("prototype").scenarios
    imagine_id = consultation.phase("imagine").id
    rng = random.Random(seed)
    next_id = (db.session.execute(sa.select(sa.func.max(Participant.id))).scalar() or 0) + 1
    people, answers, ideas, reactions = [], [], [], []
    made = 0
    while made < count:
        pid, lang = next_id, "fr" if rng.random() < 0.75 else "en"
        next_id += 1
        channel = rng.choice(CHANNELS)
        people.append({"id": pid, "is_demo": False, "consent_version": "2025-1",
                       "age_band": rng.choice(["18_34", "35_54", "55_74", "75_plus", None]),
                       "region": rng.choice(PLACES + [None]),
                       "preferred_language": lang if rng.random() < 0.7 else None})
        common = {"participant_id": pid, "channel": channel}
        for prompt in rng.sample(prompts, rng.randint(1, len(prompts))):
            if prompt.kind == "free_text":
                value = free_answer(rng, lang)
            elif prompt.kind == "single_choice":
                value = str(rng.randrange(len(prompt.choices)))
            else:
                value = str(rng.randint(1, 5))
            answers.append({**common, "prompt_id": prompt.id, "value": value})
            made += 1
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            ideas.append({**common, "phase_id": imagine_id, "text": idea_text(rng, lang),
                          "conditions": rng.sample(["know_when", "human_review", "data_stays",
                                                    "can_contest"], rng.randint(0, 2))})
            made += 1
        for scenario in rng.sample(scenarios, rng.randint(0, len(scenarios))):
            reactions.append({**common, "scenario_id": scenario.id,
                              **reaction_fields(rng, lang)})
            made += 1
    db.session.execute(sa.insert(Participant), people)
    for model, items in ((Answer, answers), (Idea, ideas), (Reaction, reactions)):
        if items:
            db.session.execute(sa.insert(model), items)
    db.session.commit()
    return {"consultation_id": consultation.id, "participants": len(people),
            "answers": len(answers), "ideas": len(ideas), "reactions": len(reactions),
            "contributions": len(answers) + len(ideas) + len(reactions)}


def manager_client(app):
    """A test client with an open admin session (no password round trip)."""
    import secrets

    from app.extensions import db
    from consultations.workspace.auth import SESSION_TOKEN, token_hash
    from consultations.workspace.models import Facilitator, WorkspaceSession

    user = Facilitator(email="bench@example.org", password_hash="-", role="admin")
    db.session.add(user)
    db.session.flush()
    token = secrets.token_urlsafe(16)
    db.session.add(WorkspaceSession(token_hash=token_hash(token), facilitator_id=user.id))
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_TOKEN] = token
    return client


# -- measuring ---------------------------------------------------------------------------------

def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM back to the current RSS
        return True
    except OSError:
        return False


def measure(task, trace: bool = True) -> dict:
    """Wall time and peak RSS growth of one call; then peak Python allocations in a second."""
    gc.collect()
    peak_reset = _reset_peak_rss()
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    detail = task()
    seconds = time.perf_counter() - started
    after = _status_kb("VmHWM") if peak_reset else _status_kb("VmRSS")
    result = {"s": seconds, "rss_delta_mb": max(0, after - before) / 1024, "detail": detail,
              "tracemalloc_peak_mb": None}
    if trace:
        gc.collect()
        tracemalloc.start()
        task()
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def consume(response) -> int:
    """Read a (possibly streamed) response to the end, as a browser downloading it would."""
    size = sum(len(chunk) for chunk in response.iter_encoded())
    response.close()
    assert response.status_code == 200, response.status_code
    return size


def theme_task(app):
    from app.extensions import db
    from consultations.demo import OPEN_SLUG
    from consultations.models import Consultation
    from consultations.workspace.models import Theme
    from consultations.workspace.themes import start_job

    def task():
        consultation = db.session.execute(db.select(Consultation).filter_by(
            slug=OPEN_SLUG)).scalar_one()
        texts, themes = 0, 0
        for kind in ("interview", "imagine", "prototype"):
            job = start_job(consultation.phase(kind))
            assert job.status == "done", (job.status, job.message)
            texts += job.total
            themes += db.session.execute(db.select(db.func.count(Theme.id)).filter_by(
                phase_id=job.args[0], status="suggested")).scalar_one()
        db.session.remove()
        return {"texts": texts, "themes": themes}
    return task


def measure_size(count: int) -> dict:
    from app.extensions import db
    from consultations.workspace.themes import encoder

    with (tempfile.TemporaryDirectory(prefix=f"bench-facilitator-{count}-") as folder,
          fresh_app(Path(folder)) as app, app.app_context()):
        db.create_all()
        made = generate(count)
        client = manager_client(app)
        base = f"/animation/consultations/{made['consultation_id']}"
        db.session.remove()
        results = {"made": made}

        def get(url):
            return lambda: {"bytes": consume(client.get(url))}

        results["csv"] = measure(get(f"{base}/export.csv?participant=1&profile=1"))
        results["json"] = measure(get(f"{base}/export.json?profile=1"))
        results["report"] = measure(get(f"{base}/rapport"))
        encoder().encode(["échauffement du modèle"])  # model load is not the job's cost
        timed = measure(theme_task(app), trace=False)
        if timed["s"] < TRACE_THEMES_UNDER_S:
            timed = measure(theme_task(app))
        results["themes"] = timed
        db.session.remove()
        db.engine.dispose()
    return results


# -- the table ---------------------------------------------------------------------------------

TASKS = (("csv", "CSV export (streamed, read to the end)"), ("json", "JSON export"),
         ("report", "findings report (HTML)"), ("themes", "theme suggestion (3 phases, sync)"))


def _memory(result: dict) -> str:
    traced = result["tracemalloc_peak_mb"]
    traced = "n/a (long run)" if traced is None else f"{traced:.0f} MB"
    return f"py peak {traced}, RSS +{result['rss_delta_mb']:.0f} MB"


def run(rows: list, data: dict, sizes=SIZES) -> None:
    section = data.setdefault("facilitator", {})
    for count in sizes:
        print(f"… facilitator: {count} contributions", file=sys.stderr, flush=True)
        results = measure_size(count)
        section[count] = results
        made = results["made"]
        rows.append(("facilitator", f"{count} contributions generated",
                     f"{made['answers']} answers, {made['ideas']} ideas, "
                     f"{made['reactions']} reactions, {made['participants']} people", ""))
        for key, label in TASKS:
            result = results[key]
            target = ""
            if key in ("csv", "json") and count >= 10_000:
                target = f"≤ {EXPORT_TARGET_S:.0f} s"
            extra = (f", {result['detail']['texts']} texts → {result['detail']['themes']} themes"
                     if key == "themes" else f", {result['detail']['bytes'] / 1024:.0f} KB")
            rows.append(("facilitator", f"{count}: {label}",
                         f"{result['s']:.2f} s ({_memory(result)}{extra})", target))
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        scale = large / small
        for key, label in TASKS:
            growth = section[large][key]["s"] / max(section[small][key]["s"], 1e-9)
            section.setdefault("growth", {})[key] = growth
            rows.append(("facilitator", f"{label}: time {small}→{large}",
                         f"×{growth:.1f}", f"≤ ×{scale:.0f} (linear)"))


if __name__ == "__main__":
    from tools.bench import print_table
    table: list = []
    wanted = tuple(int(arg) for arg in sys.argv[1:]) or SIZES
    run(table, {}, wanted)
    print_table(table)
