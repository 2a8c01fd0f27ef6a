"""Throughput under concurrent load: gunicorn on a free loopback port, wrk (Debian package) for a
bounded time per page, authenticated with a session cookie made through the ORM; and the same for
a trivial Django view (bench/wsgi_trivial.py) in the same run, as the baseline. Also the peak
resident memory (VmHWM in /proc) of processes the benchmark started.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import ROOT

WRK_SCRIPT = Path(__file__).with_name("wrk_status.lua")
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    """Direct child process ids (from /proc)."""
    found = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        for task in task_dir.iterdir():
            text = (task / "children").read_text().split()
            found += [int(p) for p in text]
    except OSError:
        pass
    return found


def peak_rss_kb(pid):
    """The process's peak resident set size (VmHWM), in kB; None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Server:
    """A gunicorn master started by the benchmark; stopped by its own pid."""

    def __init__(self, app, env, workers, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                str(GUNICORN),
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--log-level",
                "warning",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path="/", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}); see {self.log_path}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start in {timeout} s; see {self.log_path}")

    def worker_peak_rss_kb(self):
        return [kb for kb in (peak_rss_kb(p) for p in children(self.process.pid)) if kb]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(url, cookie):
    """The status of one GET, redirects not followed (a login redirect must not pass as 200)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url)  # noqa: S310 - loopback URL we built
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wrk(url, cookie, *, seconds, threads, connections):
    """Run wrk; returns requests/s, latency percentiles and the count of non-200 responses."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed: run `make bench-deps`")
    cmd = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"^BENCH (.*)$", out, re.MULTILINE)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    fields = dict(item.split("=") for item in match.group(1).split())
    requests = int(fields["requests"])
    duration = int(fields["duration_us"]) / 1e6
    return {
        "rps": requests / duration if duration else 0.0,
        "requests": requests,
        "non200": int(fields["non200"]),
        "errors": int(fields["errors"]),
        "p50_ms": int(fields["p50_us"]) / 1000,
        "p99_ms": int(fields["p99_us"]) / 1000,
    }


def warm_up(url, cookie, *, seconds, workers, settle=0.0):
    """Warm every worker up (imports, templates, connections) with one connection per worker,
    then let the requests wrk abandoned at its end finish (at least `settle` seconds), so the
    timed run starts with idle workers."""
    result = wrk(url, cookie, seconds=seconds, threads=1, connections=workers)
    time.sleep(min(30.0, max(settle, result["p99_ms"] / 1000 + 0.5)))


def run(
    pages,
    cookies,
    cookie_name,
    env,
    *,
    workers,
    seconds,
    threads,
    connections,
    warmup,
    log_dir,
    log,
):
    """Load every page, then the trivial view; returns (results by name, trivial, peak RSS)."""
    app = Server("protection.wsgi:application", env, workers, log_dir / "gunicorn-app.log")
    trivial_env = dict(env)
    trivial = Server(
        "bench.wsgi_trivial:application", trivial_env, workers, log_dir / "gunicorn-trivial.log"
    )
    results = {}
    baseline = None
    try:
        app.wait_ready()
        trivial.wait_ready()
        log(f"gunicorn: app on {app.url}, trivial view on {trivial.url}, {workers} workers each")
        status = check(trivial.url + "/", None)
        if status == 200:
            log(f"wrk trivial ({seconds} s)")
            warm_up(trivial.url + "/", None, seconds=warmup, workers=workers)
            baseline = wrk(
                trivial.url + "/", None, seconds=seconds, threads=threads, connections=connections
            )
        else:
            baseline = {"error": f"HTTP {status}; see {trivial.log_path}"}
        for page in pages:
            cookie = f"{cookie_name}={cookies[page['user']]}"
            url = app.url + page["path"]
            status = check(url, cookie)
            if status != 200:
                results[page["name"]] = {"error": f"HTTP {status} before the load"}
                continue
            duration = page.get("seconds", seconds)
            log(f"wrk {page['name']} ({duration} s)")
            warm_up(url, cookie, seconds=warmup, workers=workers, settle=page.get("settle", 0))
            results[page["name"]] = wrk(
                url, cookie, seconds=duration, threads=threads, connections=connections
            )
        rss = app.worker_peak_rss_kb()
    finally:
        app.stop()
        trivial.stop()
    return results, baseline, rss


class CeleryWorker:
    """A `celery -A protection worker` process started by the benchmark (prefork, one child)."""

    def __init__(self, name, env, log_path, concurrency=1):
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "protection",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "-n",
                f"{name}@%h",
                "-Q",
                "celery",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited; see {self.log_path}")
            if b" ready." in Path(self.log_path).read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready in {timeout} s; see {self.log_path}")

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the worker and its pool children."""
        total = 0.0
        for pid in [self.process.pid, *children(self.process.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def peak_rss_kb(self):
        """(the main process, its pool children) peak RSS in kB."""
        kids = [kb for kb in (peak_rss_kb(p) for p in children(self.process.pid)) if kb]
        return peak_rss_kb(self.process.pid), kids

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def purge_queue(env):
    subprocess.run(  # noqa: S603 - fixed argument list
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "protection", "purge", "-f", "-Q", "celery"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )


def cpu_count():
    return os.cpu_count() or 1
