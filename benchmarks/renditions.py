"""Renditions with files (issue 14): OCR pages per second beside the tesseract CLI, and attach throughput.

1. OCR: the 5 pages of the Belovezha scan (typewritten Russian), rendered once at 150 dpi. The
   tesseract CLI on the same pages and the same cores, two ways: one page after another as a user
   would (`tesseract page.png out -l rus`, its own OpenMP threads), and `workers` CLI processes at
   once (one thread each, as `xargs -P` would); against fonds's `recognize_pages` with
   `ocr_workers` processes (one Tesseract thread each) and an empty cache, then again with the
   cache full (a resumed run). Goal: fonds's pages/s at least 0.9x the better of the two CLI runs.
2. attach: a 60-page PDF with a text layer (the JFK memo's 2 pages, 30 times over), attached as a
   scan (rendering, hashing, storing every page; no OCR), in pages per second; and 20 text
   translations attached one after another, in attaches per second.

Figures are wall seconds on a shared, noisy machine: read the ratio of fonds to the CLI.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
BELOVEZHA = "scans/1991-12-08_Belovezh_Accords_ru.pdf"
MEMO = "scans/176-10036-10027_ocr.pdf"
TRANSLATION = "translations/belovezha/1991-12-08_Belovezh_Accords_text_en.md"


def _corpus() -> Path:
    for candidate in (SHARED, Path("/work/shared/corpus")):
        if (candidate / BELOVEZHA).is_file():
            return candidate
    raise SystemExit(f"bench: the scans are missing; expected {SHARED / BELOVEZHA}")


def _cpu() -> float:
    """CPU seconds of this process and its finished children: what the work costs, whatever else
    the shared machine is doing (wall seconds are not)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(workers: int = 2) -> dict[str, Any]:
    """Every figure of this module, as a dict of plain numbers."""
    from fonds.renditions import ocr, pdf

    corpus = _corpus()
    with tempfile.TemporaryDirectory(prefix="fonds-bench-renditions-") as folder:
        work = Path(folder)
        pages = pdf.render(corpus / BELOVEZHA, work / "pages", dpi=150)
        start, cpu = time.perf_counter(), _cpu()
        for page in pages:
            subprocess.run(["tesseract", str(page), str(work / page.stem), "-l", "rus"], capture_output=True, check=True)
        cli, cli_cpu = time.perf_counter() - start, _cpu() - cpu
        start, cpu = time.perf_counter(), _cpu()
        _cli_parallel(pages, work, workers)
        cli_parallel, cli_parallel_cpu = time.perf_counter() - start, _cpu() - cpu
        keys = [p.stem for p in pages]
        start, cpu = time.perf_counter(), _cpu()
        ocr.recognize_pages(pages, keys, "ru", cache=work / "cache", workers=workers)
        fonds, fonds_cpu = time.perf_counter() - start, _cpu() - cpu
        start = time.perf_counter()
        ocr.recognize_pages(pages, keys, "ru", cache=work / "cache", workers=workers)
        resumed = time.perf_counter() - start
        attach = _attach(corpus, work)
    n = len(pages)
    return {
        "ocr_pages": n, "workers": workers,
        "cli_seconds": cli, "cli_pages_per_second": n / cli, "cli_cpu_seconds": cli_cpu,
        "cli_parallel_seconds": cli_parallel, "cli_parallel_pages_per_second": n / cli_parallel,
        "cli_parallel_cpu_seconds": cli_parallel_cpu,
        "fonds_seconds": fonds, "fonds_pages_per_second": n / fonds, "fonds_cpu_seconds": fonds_cpu,
        "resumed_seconds": resumed,
        **attach,
    }


def _cli_parallel(pages: list[Path], work: Path, workers: int) -> None:
    """The tesseract CLI on `pages`, `workers` processes at a time, one OpenMP thread each."""
    import os

    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    waiting = list(pages)
    running: list[subprocess.Popen[bytes]] = []
    while waiting or running:
        while waiting and len(running) < workers:
            page = waiting.pop(0)
            running.append(subprocess.Popen(["tesseract", str(page), str(work / f"p-{page.stem}"), "-l", "rus"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment))
        running[0].wait()
        if running[0].returncode:
            raise SystemExit(f"bench: tesseract failed on a page ({running[0].args})")
        running.pop(0)


OCR_GOAL = 0.9  # fonds's OCR pages/s over the tesseract CLI's on the same pages and cores


def goals(figures: dict[str, Any]) -> list[str]:
    """The goal line of the OCR figure, followed when it fails by its profile line (`profile`), and
    the attach figures' line, which has no target."""
    f = figures
    best = max(f["cli_pages_per_second"], f["cli_parallel_pages_per_second"])
    ratio = f["fonds_pages_per_second"] / best
    passed = ratio >= OCR_GOAL
    return [
        f"goal ocr: fonds {f['fonds_pages_per_second']:.2f} pages/s with {f['workers']} workers, tesseract CLI "
        f"{best:.2f} pages/s (the better of one-after-another and {f['workers']} at once), ratio {ratio:.2f} "
        f"(goal >= {OCR_GOAL:g}) {'PASS' if passed else 'FAIL'}",
        *([] if passed else [profile(f)]),
        f"goal attach: {f['attach_pages_per_second']:.1f} PDF pages/s, {f['attach_texts_per_second']:.1f} text attaches/s "
        "(reported; no target)",
    ]


def profile(figures: dict[str, Any]) -> str:
    """Where a missed OCR goal's time went: each side's wall and CPU seconds a page and the cores it
    kept busy. CPU beyond the CLI's is fonds's own (its worker processes, each page's grey copy);
    fewer cores than the workers means waiting (the pool's start, a last page alone, other processes)."""
    f = figures
    n, cpu, parallel_cpu = f["ocr_pages"], f["fonds_cpu_seconds"], f["cli_parallel_cpu_seconds"]
    return (
        f"ocr profile: fonds {f['fonds_seconds'] / n:.2f} s a page, {cpu / n:.2f} CPU s a page, "
        f"{cpu / f['fonds_seconds']:.2f} cores busy; the CLI {f['workers']} at once {f['cli_parallel_seconds'] / n:.2f} s a page, "
        f"{parallel_cpu / n:.2f} CPU s a page, {parallel_cpu / f['cli_parallel_seconds']:.2f} cores busy; "
        f"fonds's CPU over the CLI's {cpu / parallel_cpu:.2f}x"
    )


def _attach(corpus: Path, work: Path) -> dict[str, Any]:
    import pypdf

    from fonds.ingest import ingest
    from fonds.renditions.attach import Options, attach
    from fonds.renditions.files import FileStore
    from fonds.store.sqlite import SQLiteStore

    reader = pypdf.PdfReader(str(corpus / MEMO))
    writer = pypdf.PdfWriter()
    for _ in range(30):
        for page in reader.pages:
            writer.add_page(page)
    big = work / "memo-60.pdf"
    with big.open("wb") as out:
        writer.write(out)
    store = SQLiteStore(work / "fonds.db")
    try:
        ingest(store, [Path(__file__).resolve().parents[1] / "demo-data"], link_names=False)
        files = FileStore(work / "fonds.db.files")
        start, cpu = time.perf_counter(), _cpu()
        done = attach(store, files, "sample-belovezha-1991", [big], Options("scan", "en"))
        pdf_seconds, pdf_cpu = time.perf_counter() - start, _cpu() - cpu
        pages = len(done.renditions[0].images)
        text = work / "translation.md"
        base = (corpus / TRANSLATION).read_text(encoding="utf-8")
        start = time.perf_counter()
        for i in range(20):
            text.write_text(f"{base}\n\nVersion {i}.\n", encoding="utf-8")
            attach(store, files, "sample-belovezha-1991", [text], Options("translation", "en"))
        text_seconds = time.perf_counter() - start
    finally:
        store.close()
    shutil.rmtree(work / "fonds.db.files", ignore_errors=True)
    return {
        "attach_pdf_pages": pages, "attach_pdf_seconds": pdf_seconds, "attach_pages_per_second": pages / pdf_seconds,
        "attach_pdf_cpu_seconds": pdf_cpu,
        "attach_pdf_mb": big.stat().st_size / 1e6,
        "attach_texts": 20, "attach_text_seconds": text_seconds, "attach_texts_per_second": 20 / text_seconds,
    }


def lines(figures: dict[str, Any]) -> list[str]:
    """The report's lines for these figures."""
    f = figures
    return [
        "renditions (issue 14):",
        f"  OCR, {f['ocr_pages']} typewritten Russian pages at 150 dpi: tesseract CLI one page after another "
        f"{f['cli_pages_per_second']:.2f} pages/s ({f['cli_seconds']:.1f} s), {f['workers']} CLI processes at once "
        f"{f['cli_parallel_pages_per_second']:.2f} pages/s; fonds with {f['workers']} worker processes "
        f"{f['fonds_pages_per_second']:.2f} pages/s ({f['fonds_seconds']:.1f} s, {f['fonds_seconds'] / f['cli_seconds']:.2f}x the CLI's time); "
        f"CPU seconds: CLI {f['cli_cpu_seconds']:.1f}, fonds {f['fonds_cpu_seconds']:.1f}; "
        f"resumed from its cache {f['resumed_seconds']:.2f} s",
        f"  attach a {f['attach_pdf_pages']}-page PDF with a text layer ({f['attach_pdf_mb']:.1f} MB): "
        f"{f['attach_pages_per_second']:.1f} pages/s ({f['attach_pdf_seconds']:.1f} s, {f['attach_pdf_cpu_seconds']:.1f} CPU s: "
        "render, hash, store, one transaction)",
        f"  attach {f['attach_texts']} text translations: {f['attach_texts_per_second']:.1f} per second",
        *goals(f),
    ]
