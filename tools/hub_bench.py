"""A real JupyterHub on 127.0.0.1, a class of simulated students, and what each one costs.

    python tools/hub_bench.py --students 1 2 4 8 [--lab tails] [--timeout 600]

Starts JupyterHub (from PyPI) with its configurable-http-proxy (from npm, ``node_modules/.bin``), the
dummy authenticator and the local-process spawner, all on the loopback interface, in a scratch folder.
For each class size N it starts N single-user servers through the hub's REST API, then every student
(one thread each, all at once) opens a kernel through the hub's proxy and runs every code cell of a lab
over the kernel's websocket, as JupyterLab would. It reports, per N: the time to start a server, the time
to the first figure, the time to run the whole lab, each student's memory (resident set of the server
and its kernel) and CPU seconds, and failures; then the capacity an instructor plans with:

    students per GiB  = 1024 / (MiB per student)
    cores for a class = N x (CPU seconds per student) / (seconds the class may take to run the lab)

``make hub-bench`` runs it; ``tests/test_hub.py`` runs a two-student version in ``make test``. Every
request goes to 127.0.0.1; the hub, the proxy and the servers are stopped when it ends.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
MAX_STUDENTS = 64  # a bound on what one run may start on this machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StudentRun:
    name: str
    spawn_s: float = float("nan")
    first_figure_s: float = float("nan")
    lab_s: float = float("nan")
    rss_mib: float = float("nan")
    cpu_s: float = float("nan")
    error: str = ""


@dataclass
class Hub:
    """A running JupyterHub on 127.0.0.1 and the token of an admin service that drives it."""

    workdir: Path
    port: int
    token: str
    process: subprocess.Popen
    log: Path
    users: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, body: dict | None = None, *, timeout: float = 30) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                text = resp.read().decode() or "{}"
                return resp.status, json.loads(text) if text.strip().startswith(("{", "[")) else {}
        except urllib.error.HTTPError as exc:
            return exc.code, {"message": exc.read().decode(errors="replace")[:500]}


def start_hub(workdir: Path, notebooks: Path, *, timeout: float = 60) -> Hub:
    """Start JupyterHub and its proxy on free loopback ports; wait until its API answers."""
    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} not found: run `make setup` (npm ci installs configurable-http-proxy)")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)
    bindir = Path(sys.executable).parent
    singleuser = [str(bindir / "jupyterhub-singleuser")]
    if os.geteuid() == 0:
        singleuser.append("--allow-root")
    config = f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = "sqlite:///{workdir / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(workdir / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(workdir / 'hub.pid')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = {singleuser!r}
c.Spawner.notebook_dir = {str(notebooks)!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{"PATH": {str(bindir) + os.pathsep + os.environ.get('PATH', '')!r},
                         "MPLBACKEND": "Agg", "LABSUPPORT_AUDIT_EXERCISES": ""}}
c.JupyterHub.concurrent_spawn_limit = {MAX_STUDENTS}
c.JupyterHub.active_server_limit = {MAX_STUDENTS}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.check_running_servers = False
c.JupyterHub.services = [{{"name": "bench", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "bench", "services": ["bench"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users"]}}]
"""
    (workdir / "jupyterhub_config.py").write_text(config)
    log = workdir / "hub.log"
    env = {k: v for k, v in os.environ.items() if k != "LABSUPPORT_AUDIT_EXERCISES"}
    process = subprocess.Popen([str(bindir / "jupyterhub"), "-f", str(workdir / "jupyterhub_config.py")],
                               cwd=workdir, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               start_new_session=True, env=env)
    hub = Hub(workdir, port, token, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("JupyterHub exited:\n" + log.read_text()[-3000:])
        try:
            status, _ = hub.api("GET", "/hub/api/", timeout=2)
            if status == 200:
                return hub
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        time.sleep(0.3)
    stop_hub(hub)
    raise RuntimeError("JupyterHub did not answer in time:\n" + log.read_text()[-3000:])


def stop_hub(hub: Hub) -> None:
    """Stop the hub; it stops the servers and the proxy it started; then end anything left in its group."""
    for user in hub.users:
        try:
            hub.api("DELETE", f"/hub/api/users/{user}/server", timeout=10)
        except Exception:  # noqa: BLE001 - best effort before the hard stop below
            pass
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(hub.process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def request_server(hub: Hub, name: str) -> float:
    """Create user ``name`` and ask the hub to start their server; return the monotonic start time."""
    start = time.monotonic()
    status, body = hub.api("POST", f"/hub/api/users/{name}")
    if status not in (201, 409):
        raise RuntimeError(f"creating {name}: HTTP {status} {body}")
    hub.users.append(name)
    status, body = hub.api("POST", f"/hub/api/users/{name}/server")
    if status not in (201, 202, 400):
        raise RuntimeError(f"starting {name}'s server: HTTP {status} {body}")
    return start


def wait_ready(hub: Hub, name: str, start: float, *, timeout: float = 180) -> float:
    """Wait until ``name``'s server is ready; return the seconds since ``start``."""
    deadline = start + timeout
    while time.monotonic() < deadline:
        status, body = hub.api("GET", f"/hub/api/users/{name}")
        server = (body.get("servers") or {}).get("", {})
        if server.get("ready"):
            return time.monotonic() - start
        time.sleep(0.25)
    raise RuntimeError(f"{name}'s server was not ready after {timeout} s")


def run_lab(hub: Hub, name: str, cells: list[str], *, timeout: float) -> tuple[float, float, str]:
    """Run ``cells`` in a new kernel of ``name``'s server, through the hub's proxy and the kernel websocket.

    Returns (seconds to the first figure, seconds for the whole lab, kernel id).
    """
    import websocket  # websocket-client, a dependency of Jupyter Server

    status, kernel = hub.api("POST", f"/user/{name}/api/kernels", {"name": "python3"}, timeout=60)
    if status != 201:
        raise RuntimeError(f"{name}: starting a kernel: HTTP {status} {kernel}")
    ws_url = f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel['id']}/channels"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {hub.token}"], timeout=timeout)
    start = time.monotonic()
    first_figure = float("nan")
    session = uuid.uuid4().hex
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "username": name, "session": session, "msg_type": "execute_request",
                           "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            while True:
                if time.monotonic() - start > timeout:
                    raise RuntimeError(f"{name}: the lab did not finish in {timeout} s")
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
                data = msg.get("content", {}).get("data", {})
                if kind in ("display_data", "execute_result") and first_figure != first_figure and \
                        ("image/png" in data or "image/svg+xml" in data):
                    first_figure = time.monotonic() - start
                if kind == "execute_reply" and msg.get("channel") == "shell":
                    if msg["content"].get("status") != "ok":
                        raise RuntimeError(f"{name}: a cell failed: {msg['content'].get('ename')}: "
                                           f"{msg['content'].get('evalue')}")
                    break
    finally:
        ws.close()
    return first_figure, time.monotonic() - start, kernel["id"]


def server_footprint(hub: Hub, name: str) -> tuple[float, float]:
    """Resident MiB and CPU seconds of ``name``'s server and its kernels (their process tree)."""
    import psutil

    home = f"/tmp/{name}"  # SimpleLocalProcessSpawner's home for the user
    rss = cpu = 0.0
    hub_proc = psutil.Process(hub.process.pid)
    for proc in hub_proc.children(recursive=True):
        try:
            if proc.cwd() != home and not any(f"/user/{name}/" in a for a in proc.cmdline()):
                continue
            tree = [proc, *proc.children(recursive=True)]
            for p in tree:
                rss += p.memory_info().rss
                t = p.cpu_times()
                cpu += t.user + t.system
            break
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return rss / 2**20, cpu


def lab_cells(lab: str) -> list[str]:
    import nbformat

    nb = nbformat.read(ROOT / "labs" / f"{lab}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def run_class(n_students: int, *, lab: str = "tails", timeout: float = 600) -> list[StudentRun]:
    """Start a hub, spawn ``n_students`` servers, run ``lab`` for all of them at once; stop everything."""
    if not isinstance(n_students, int) or isinstance(n_students, bool) or not 1 <= n_students <= MAX_STUDENTS:
        raise ValueError(f'"n_students" must be an integer in [1, {MAX_STUDENTS}], got {n_students!r}')
    cells = lab_cells(lab)
    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    notebooks = workdir / "labs"
    shutil.copytree(ROOT / "labs", notebooks)
    runs = [StudentRun(f"student{i + 1}") for i in range(n_students)]
    hub = start_hub(workdir, notebooks)
    try:
        starts = {}
        for run in runs:  # the whole class logs in at once, as at the start of a lesson
            try:
                starts[run.name] = request_server(hub, run.name)
            except Exception as exc:  # noqa: BLE001 - reported as this student's failure
                run.error = str(exc)[:300]
        for run in runs:
            if not run.error:
                try:
                    run.spawn_s = wait_ready(hub, run.name, starts[run.name])
                except Exception as exc:  # noqa: BLE001
                    run.error = str(exc)[:300]

        def work(run: StudentRun) -> None:
            if run.error:
                return
            try:
                run.first_figure_s, run.lab_s, _ = run_lab(hub, run.name, cells, timeout=timeout)
                run.rss_mib, run.cpu_s = server_footprint(hub, run.name)
            except Exception as exc:  # noqa: BLE001
                run.error = str(exc)[:300]

        threads = [threading.Thread(target=work, args=(r,), daemon=True) for r in runs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout + 60)
    finally:
        stop_hub(hub)
        for run in runs:
            shutil.rmtree(f"/tmp/{run.name}", ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return runs


def summary_rows(results: dict[int, list[StudentRun]]) -> list[list]:
    rows = []
    for n, runs in results.items():
        ok = [r for r in runs if not r.error]
        med = (lambda xs: statistics.median(xs) if xs else float("nan"))
        rows.append([n, med([r.spawn_s for r in ok]), med([r.first_figure_s for r in ok]),
                     max([r.lab_s for r in ok], default=float("nan")), med([r.rss_mib for r in ok]),
                     med([r.cpu_s for r in ok]), len(runs) - len(ok)])
    return rows


def main(argv: list[str] | None = None) -> int:
    from labsupport.report import Table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--lab", default="tails", help="the lab every student runs (default tails)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a student's lab may take")
    args = parser.parse_args(argv)
    for n in args.students:
        if not 1 <= n <= MAX_STUDENTS:
            parser.error(f'"--students" must be in [1, {MAX_STUDENTS}], got {n}')
    results = {}
    for n in args.students:
        print(f"class of {n}: starting the hub and {n} servers ...", flush=True)
        results[n] = run_class(n, lab=args.lab, timeout=args.timeout)
        for r in results[n]:
            if r.error:
                print(f"  {r.name} failed: {r.error}")
    rows = summary_rows(results)
    print(Table(["students", "spawn (s)", "first figure (s)", "slowest lab (s)", "MiB/student",
                 "CPU s/student", "failed"], rows,
                formats=[None, "{:.1f}", "{:.1f}", "{:.1f}", "{:.0f}", "{:.1f}", None],
                caption=f"JupyterHub on 127.0.0.1, {os.cpu_count()} cores; every student runs labs/{args.lab}.ipynb"))
    ok = [r for runs in results.values() for r in runs if not r.error]
    if ok:
        mib = statistics.median(r.rss_mib for r in ok)
        cpu = statistics.median(r.cpu_s for r in ok)
        print(f"\ncapacity: about {1024 / mib:.1f} students per GiB of memory ({mib:.0f} MiB each); "
              f"each run of the lab costs {cpu:.1f} CPU seconds, so a class of N that should all finish within "
              f"T seconds needs N x {cpu:.1f} / T cores.")
    return 0 if all(not r.error for runs in results.values() for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
