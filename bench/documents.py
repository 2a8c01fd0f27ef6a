"""Cost of a case document upload (issue 15): checking, encrypting and storing a 25 MB file
against a plain write of the same bytes through the same Django storage, and the peak memory
of that upload above the idle process.

    .venv/bin/python bench/documents.py            # figures as `name: value unit` lines
    .venv/bin/python bench/documents.py --json     # the same as JSON (bench/run.py reads it)

Needs no database. The file is random bytes behind a PDF header (incompressible, and checked
by content like any upload). Timings are the median of BENCH_DOCUMENT_ROUNDS (default 11) runs
each, alternating the two writes; memory is measured in a fresh child process: the kernel's
peak-RSS counter is reset (/proc/self/clear_refs), the idle RSS read, one upload made, and
the new peak read.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = int(os.environ.get("BENCH_DOCUMENT_BYTES", str(25 * 1024 * 1024)))
ROUNDS = int(os.environ.get("BENCH_DOCUMENT_ROUNDS", "11"))
RATIO_TARGET = 1.3
MEMORY_TARGET_MB = 64


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protection.settings.local")
    import django

    django.setup()


def make_source(directory):
    path = Path(directory) / "bench-source.pdf"
    with open(path, "wb") as out:
        out.write(b"%PDF-1.7\n")
        remaining = SIZE - 9
        while remaining > 0:
            block = min(remaining, 1024 * 1024)
            out.write(os.urandom(block))
            remaining -= block
    return path


def encrypt_store(path, storage):
    """Encrypting and storing alone (the target's comparison with a plain write)."""
    from django.core.files import File

    from cases.documents.storage import store_encrypted

    with open(path, "rb") as handle:
        name, _key, _sha, size = store_encrypted(
            File(handle, name="bench.pdf"), storage=storage, digest=False
        )
    assert size == SIZE
    return name


def upload_encrypted(path, storage):
    """What the upload service does with one file before its database rows: check it by
    content, then hash (SHA-256 kept as evidence), encrypt and store it in one streaming
    pass."""
    from django.core.files import File

    from cases.documents.storage import store_encrypted
    from cases.documents.validation import inspect_upload

    with open(path, "rb") as handle:
        upload = File(handle, name="informe-firmado.pdf")
        inspected = inspect_upload(upload)
        upload.seek(0)
        name, _key, _sha, size = store_encrypted(inspected.upload, storage=storage)
    assert size == SIZE
    return name


def write_plain(path, storage):
    from django.core.files import File

    with open(path, "rb") as handle:
        return storage.save("plain/bench.pdf", File(handle, name="bench.pdf"))


def rss_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def child_memory(path, location):
    """Run in a fresh process: (idle RSS MB, peak RSS during one upload MB)."""
    setup_django()
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=location)
    import cases.documents.validation  # noqa: F401 - imported before measuring idle

    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS counter (VmHWM)
    idle = rss_kb("VmRSS")
    upload_encrypted(path, storage)
    peak = rss_kb("VmHWM")
    print(json.dumps({"idle_mb": idle / 1024, "peak_mb": peak / 1024}))


def measure():
    setup_django()
    from django.core.files.storage import FileSystemStorage

    with tempfile.TemporaryDirectory(prefix="bench-documents-") as directory:
        source = make_source(directory)
        storage = FileSystemStorage(location=os.path.join(directory, "store"))
        timings = {write_plain: [], encrypt_store: [], upload_encrypted: []}
        # One warm-up of each (page cache, imports), then alternate.
        for fn in timings:
            storage.delete(fn(source, storage))
        for _ in range(ROUNDS):
            for fn, runs in timings.items():
                started = time.perf_counter()
                name = fn(source, storage)
                runs.append(time.perf_counter() - started)
                storage.delete(name)
        child = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--child-memory", str(source), directory],
            capture_output=True,
            text=True,
            check=True,
        )
        memory = json.loads(child.stdout.strip().splitlines()[-1])
    plain_ms = statistics.median(timings[write_plain]) * 1000
    encrypted_ms = statistics.median(timings[encrypt_store]) * 1000
    upload_ms = statistics.median(timings[upload_encrypted]) * 1000
    return {
        "size_mb": SIZE / 1024 / 1024,
        "rounds": ROUNDS,
        "plain_write_ms": plain_ms,
        "encrypt_store_ms": encrypted_ms,
        "ratio": encrypted_ms / plain_ms,
        "full_upload_ms": upload_ms,
        "full_ratio": upload_ms / plain_ms,
        "idle_rss_mb": memory["idle_mb"],
        "peak_rss_mb": memory["peak_mb"],
        "peak_above_idle_mb": memory["peak_mb"] - memory["idle_mb"],
    }


def lines(result):
    yield f"documents.file_size: {result['size_mb']:.0f} MB"
    yield f"documents.plain_write: {result['plain_write_ms']:.1f} ms (median of {result['rounds']})"
    yield (
        f"documents.encrypt_store: {result['encrypt_store_ms']:.1f} ms "
        f"(median of {result['rounds']})"
    )
    yield f"documents.cost_ratio: {result['ratio']:.2f} x (target <= {RATIO_TARGET})"
    yield (
        f"documents.full_upload: {result['full_upload_ms']:.1f} ms = "
        f"{result['full_ratio']:.2f} x plain (content check + SHA-256 evidence hash + encrypt "
        "+ store)"
    )
    yield (
        f"documents.upload_peak_memory_above_idle: {result['peak_above_idle_mb']:.1f} MB "
        f"(target < {MEMORY_TARGET_MB}; idle {result['idle_rss_mb']:.0f} MB)"
    )


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child-memory":
        child_memory(sys.argv[2], os.path.join(sys.argv[3], "child-store"))
        return
    result = measure()
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        for line in lines(result):
            print(line)


if __name__ == "__main__":
    main()
