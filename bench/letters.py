"""The letter pipeline: per letter against a bare WeasyPrint render of the same HTML, and many
letters through real Celery workers.

In-process (measure_in_process): planned letters are reset to pending inside a transaction; for
each, the same HTML the pipeline would produce is rendered by WeasyPrint alone (an in-memory
fetcher holding the letter's stylesheet: the least any renderer must do), then the pipeline itself
runs (measures.letters.rendering.letter_render_claimed: claim, load decision, template, QR code, PDF,
store, save with history). The transaction is rolled back; the stored PDFs are in the
benchmark's own media folder, which bench/run.py deletes.

With workers (CLI, driven by bench/run.py, which starts the `celery worker` processes):
    python -m bench.letters prepare STATE.json --count 200 --warmup 4
    python -m bench.letters run STATE.json warmup|timed
    python -m bench.letters restore STATE.json
`prepare` saves the chosen letters' state and resets them to pending (committed: the workers are
other processes); `run` queues them as the application does and waits until the workers have
generated them all; `restore` puts the letters back as they were and deletes the history rows
the renders added.
"""

import argparse
import json
import os
import statistics
import sys
import time

if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from measures.models import DecisionStatus, Letter, LetterStatus  # noqa: E402

RESET = {
    "status": LetterStatus.PENDING,
    "claimed_at": None,
    "file": "",
    "content_sha256": "",
    "generated_at": None,
    "attempts": 0,
    "last_error": "",
}
SAVED_FIELDS = ["id", *[name for name in RESET]]


class _Rollback(Exception):
    pass


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def pick(count):
    """The newest letters of confirmed decisions that are current (not superseded)."""
    ids = list(
        Letter.objects.filter(decision__status=DecisionStatus.CONFIRMED, superseded_by__isnull=True)
        .exclude(status=LetterStatus.SUPERSEDED)
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} letters of confirmed decisions; {count} needed")
    return ids


def letter_html(letter_id, issued_at):
    from measures.letters.rendering import _letter_for_render, letter_context

    letter = _letter_for_render(letter_id)
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            f"letters/{letter.template_version}.html", letter_context(letter, issued_at=issued_at)
        )


def bare_fetcher():
    """WeasyPrint's least work for the letter's resources: static files read once, then served
    from memory."""
    from weasyprint.urls import URLFetcherResponse

    from protection.pdf import StaticOnlyFetcher

    class MemoryFetcher(StaticOnlyFetcher):
        def __init__(self):
            super().__init__()
            self.cache = {}

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url not in self.cache:
                response = super().fetch(url, headers)
                self.cache[url] = (response.read(), dict(response.headers.items()))
            body, response_headers = self.cache[url]
            return URLFetcherResponse(url, body, response_headers)

    return MemoryFetcher()


def bare_render(html, fetcher):
    from weasyprint import HTML

    from protection.pdf import RENDER_ORIGIN

    return HTML(string=html, base_url=f"{RENDER_ORIGIN}/", url_fetcher=fetcher).write_pdf()


def measure_in_process(count):
    from measures.letters.rendering import letter_render_claimed

    ids = pick(count + 1)
    warm, timed = ids[0], ids[1:]
    fetcher = bare_fetcher()
    pipeline, bare, bare_bytes, sizes = [], [], [], []
    outcomes = {}
    try:
        with transaction.atomic():
            Letter.objects.filter(pk__in=ids).update(**RESET)
            # Warm-up: fonts, templates, the fetcher's cache.
            bare_render(letter_html(warm, timezone.now()), fetcher)
            letter_render_claimed(warm)
            for letter_id in timed:
                html = letter_html(letter_id, timezone.now())
                started = time.perf_counter()
                pdf = bare_render(html, fetcher)
                bare.append(time.perf_counter() - started)
                bare_bytes.append(len(pdf))
                started = time.perf_counter()
                outcome = letter_render_claimed(letter_id)
                pipeline.append(time.perf_counter() - started)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            sizes = list(
                Letter.objects.filter(pk__in=timed).values_list("content_sha256", flat=True)
            )
            raise _Rollback
    except _Rollback:
        pass
    return {
        "letters": len(timed),
        "outcomes": outcomes,
        "hashed": sum(1 for s in sizes if s),
        "pipeline_p50_ms": statistics.median(pipeline) * 1000,
        "pipeline_mean_ms": statistics.fmean(pipeline) * 1000,
        "bare_p50_ms": statistics.median(bare) * 1000,
        "bare_mean_ms": statistics.fmean(bare) * 1000,
        "ratio": sum(pipeline) / sum(bare),
        "bare_pdf_kb": statistics.fmean(bare_bytes) / 1024,
    }


# --- with Celery workers ----------------------------------------------------------------------


def prepare(state_path, count, warmup):
    ids = pick(count + warmup)
    saved = list(Letter.objects.filter(pk__in=ids).values(*SAVED_FIELDS))
    history = Letter.history.model
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX(history_id), 0) FROM {history._meta.db_table}"  # noqa: S608
        )
        history_max = cursor.fetchone()[0]
    state = {
        "warmup": ids[:warmup],
        "timed": ids[warmup:],
        "saved": saved,
        "history_max": history_max,
    }
    with open(state_path, "w", encoding="utf-8") as handle:
        json.dump(state, handle, default=str)
    Letter.objects.filter(pk__in=ids).update(**RESET)
    log(f"{len(ids)} letters reset to pending")


def reset(state_path):
    with open(state_path, encoding="utf-8") as handle:
        state = json.load(handle)
    Letter.objects.filter(pk__in=state["warmup"] + state["timed"]).update(**RESET)


def run(state_path, which, timeout):
    from measures.letters.tasks import letters_enqueue

    with open(state_path, encoding="utf-8") as handle:
        state = json.load(handle)
    ids = state[which]
    rows = Letter.objects.filter(pk__in=ids)
    started = time.time()
    letters_enqueue(ids)
    while True:
        done = rows.exclude(status=LetterStatus.PENDING).count()
        if done == len(ids):
            break
        if time.time() - started > timeout:
            raise SystemExit(f"timed out: {done} of {len(ids)} letters done after {timeout} s")
        # The time taken is read from the letters' generated_at, not from this loop: polling
        # seldom keeps the harness's own queries off the CPUs the workers are measured on (at
        # 20 polls a second they took a share of the two-worker run, which has no idle CPU).
        time.sleep(0.5)
    last = max(rows.values_list("generated_at", flat=True), default=None)
    failed = rows.exclude(status=LetterStatus.GENERATED).count()
    elapsed = (last.timestamp() if last else time.time()) - started
    print(json.dumps({"letters": len(ids), "seconds": elapsed, "failed": failed}))


def restore(state_path):
    with open(state_path, encoding="utf-8") as handle:
        state = json.load(handle)
    ids = [row["id"] for row in state["saved"]]
    with transaction.atomic():
        for row in state["saved"]:
            values = {k: v for k, v in row.items() if k != "id"}
            Letter.objects.filter(pk=row["id"]).update(**values)
        Letter.history.model.objects.filter(
            id__in=ids, history_id__gt=state["history_max"]
        ).delete()
    log(f"{len(ids)} letters restored")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["prepare", "reset", "run", "restore"])
    parser.add_argument("state")
    parser.add_argument("which", nargs="?", default="timed", choices=["warmup", "timed"])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args.state, args.count, args.warmup)
    elif args.command == "reset":
        reset(args.state)
    elif args.command == "run":
        run(args.state, args.which, args.timeout)
    else:
        restore(args.state)


if __name__ == "__main__":
    main()
