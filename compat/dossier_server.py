"""The real `dossier` binary on a free loopback port, for the client scenarios of every API
(`compat/<api>/`): SQLite in a temporary data directory, or a fresh PostgreSQL database that is
dropped afterwards.

Environment: DOSSIER_BIN (the binary), DOSSIER_COMPAT_BACKEND (sqlite or postgres) and, for
PostgreSQL, DOSSIER_TEST_DATABASE_URL (a server where databases may be created and dropped).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

API_KEY = "compat-admin-key-" + "k" * 40
PASSWORD = "compat-admin-password-1"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_url(admin_url, db):
    u = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + db, u.query, u.fragment))


def _psql(admin_url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", admin_url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))


class Server:
    def __init__(self):
        self.backend = os.environ.get("DOSSIER_COMPAT_BACKEND", "sqlite")
        self.dir = tempfile.mkdtemp(prefix="dossier-compat-")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = None
        args = [os.environ["DOSSIER_BIN"], "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.dir]
        if self.backend == "postgres":
            self.admin_url = os.environ["DOSSIER_TEST_DATABASE_URL"]
            # Named like the Rust tests' databases (dossier_t_<ms timestamp hex>…) so that
            # .ci/run drops it if an interrupted run leaves it behind.
            self.db = f"dossier_t_{int(time.time() * 1000):012x}compat{os.getpid()}"
            _psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.db}")
            _psql(self.admin_url, f"CREATE DATABASE {self.db}")
            args += ["--database-url", _pg_url(self.admin_url, self.db)]
        env = dict(os.environ, DOSSIER_BOOTSTRAP_API_KEY=API_KEY, DOSSIER_BOOTSTRAP_ADMIN_PASSWORD=PASSWORD)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(args + ["serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("dossier did not become ready; see " + self.log.name)
            time.sleep(0.05)

    def calls(self, prefix=None):
        """Requests the server answered, from its /metrics: (calls, routes, 5xx). With `prefix`,
        only routes under it; without, every route outside the native API and the ops ones."""
        calls, routes, errors = 0, set(), 0
        with urllib.request.urlopen(self.url + "/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if not line.startswith("dossier_http_requests_total{"):
                    continue
                labels, n = line.rsplit(" ", 1)
                fields = dict(kv.split("=", 1) for kv in labels[labels.index("{") + 1:-1].split(","))
                route = fields["route"].strip('"')
                if prefix is not None and not route.startswith(prefix):
                    continue
                if prefix is None and route.startswith(("/api/v1", "/readyz", "/healthz", "/metrics")):
                    continue
                calls += int(n)
                routes.add((fields["method"].strip('"'), route))
                if fields["status"].strip('"').startswith("5"):
                    errors += int(n)
        return calls, routes, errors

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        if self.db:
            _psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        shutil.rmtree(self.dir, ignore_errors=True)
