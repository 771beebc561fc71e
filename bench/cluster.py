"""The processes of a deployment, for the deadline benchmark and the deploy test: bot workers
(`pishkhan run` on SQLite, or `pishkhan webhook` on PostgreSQL), nginx in front of several,
and what they cost (CPU seconds, peak RSS, sampled from /proc so a killed worker still counts).

    with Cluster(env, workers=2, nginx=True) as cluster:   # env: the PISHKHAN_* variables
        cluster.start()
        ...
        cluster.kill(0)                                     # SIGKILL, as a crash would
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream pishkhan {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        location /webhook/ {{
            proxy_pass http://pishkhan;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $remote_addr;
            # A worker that died (connection refused or reset) is skipped; an update is kept
            # once by the inbox whichever worker gets it, so a POST may be retried on the next.
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_connect_timeout 1s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None)


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Worker:
    """One bot process (restarted ones get a new Worker), with its last sampled costs."""

    process: subprocess.Popen[bytes]
    log: Path
    port: int | None
    cpu_start: float = 0.0
    cpu_last: float = 0.0
    rss_peak: float = 0.0
    killed: bool = False

    def sample(self) -> None:
        cpu, rss = cpu_seconds(self.process.pid), rss_mb(self.process.pid)
        if cpu is not None:
            self.cpu_last = cpu
        if rss is not None:
            self.rss_peak = max(self.rss_peak, rss)


@dataclass
class Cluster:
    """`workers` bot processes with `env`; webhook workers behind nginx when `nginx`."""

    env: dict[str, str]
    workers: int = 1
    webhook: bool = True
    nginx: bool = False
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pishkhan-")))
    running: list[Worker] = field(default_factory=list)
    gone: list[Worker] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    front_port: int = 0
    nginx_process: subprocess.Popen[bytes] | None = None
    _sampler: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.front_port}"

    def start(self) -> None:
        if self.webhook:
            self.ports = [free_port() for _ in range(self.workers)]
            self.front_port = free_port() if self.nginx else self.ports[0]
            if self.nginx:
                self._start_nginx()
        for index in range(self.workers):
            self.running.append(self._spawn(index))
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _spawn(self, index: int) -> Worker:
        env = {**self.env, "PYTHONUNBUFFERED": "1"}
        if self.webhook:
            env["PISHKHAN_WEBHOOK_BASE_URL"] = self.public_url
            port = self.ports[index]
            args = [sys.executable, "-m", "cli", "webhook", "--host", "127.0.0.1",
                    "--port", str(port)]
            ready = "webhook serving on"
        else:
            port, args, ready = None, [sys.executable, "-m", "cli", "run"], "polling"
        log = self.folder / f"worker{index}-{time.monotonic_ns()}.log"
        with log.open("wb") as out:  # a file, not a pipe nobody reads
            process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       cwd=ROOT)
        deadline = time.monotonic() + 90
        while ready not in log.read_text(encoding="utf-8", errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {index} did not start; see {log}")
            time.sleep(0.1)
        worker = Worker(process, log, port)
        worker.cpu_start = worker.cpu_last = cpu_seconds(process.pid) or 0.0
        return worker

    def _start_nginx(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;"
                            for p in self.ports)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / sub).mkdir(exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=self.folder, servers=servers,
                                          port=self.front_port))
        self.nginx_process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(self.folder), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=(self.folder / "nginx.out").open("wb"))
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.front_port)) == 0:
                    return
            if self.nginx_process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start; see {self.folder}")
            time.sleep(0.05)

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for worker in list(self.running):
                worker.sample()

    def kill(self, index: int = 0, *, restart: bool = False) -> None:
        """SIGKILL one worker (its costs so far are kept); `restart`: start a new one in its
        place, as systemd's Restart=always would."""
        worker = self.running[index]
        worker.sample()
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        worker.killed = True
        self.running.remove(worker)
        self.gone.append(worker)
        if restart:
            self.running.insert(index, self._spawn(index))

    def costs(self) -> tuple[float, list[float]]:
        """CPU seconds of every worker that ran, and each one's peak RSS (MB)."""
        everyone = self.gone + self.running
        for worker in self.running:
            worker.sample()
        return (sum(w.cpu_last - w.cpu_start for w in everyone),
                [w.rss_peak for w in everyone])

    def stop(self) -> None:
        self._stop.set()
        for worker in self.running:
            worker.process.terminate()
        for worker in self.running:
            try:
                worker.process.wait(15)
            except subprocess.TimeoutExpired:
                worker.process.kill()
        self.gone += self.running
        self.running = []
        if self.nginx_process is not None and self.nginx_process.poll() is None:
            self.nginx_process.terminate()
            self.nginx_process.wait(10)
