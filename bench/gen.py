#!/usr/bin/env python3
"""Loads a benchmark data set into a running Dossier through its bulk API.

    bench/gen.py --url http://127.0.0.1:18100 --key KEY --cases 10000

Per case: 10 alerts (batch ingest, 1,000 per request, deduplicated on source + ref), and for one
case in 20 three observables and a note. Observable values are drawn from a pool of cases/20
values with a Zipf-like skew (a few indicators appear in very many cases, most in one or two),
which is what correlation and search see in a real SOC. From 50,000 cases on, one more indicator
(`shared-c2.bench.example.net`) is linked to 3,000 cases spread evenly from case 1, so that the
correlation of a very popular value is measured ("other cases" must stay bounded). Standard
library only.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

BATCH = 1000
SHARED_CASES = 3000
SHARED_VALUE = "shared-c2.bench.example.net"
WORDS = ("phishing credential ransomware beacon lateral movement exfiltration powershell macro "
         "invoice vpn brute force mfa fatigue dns tunnel cobalt strike webshell privilege "
         "escalation defender tamper suspicious login impossible travel").split()


class Client:
    def __init__(self, url, key):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.conn = None

    def post(self, path, body):
        for attempt in range(5):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
                self.conn.request("POST", path, json.dumps(body), self.headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.status >= 300:
                    raise RuntimeError(f"POST {path}: {r.status} {data[:300]!r}")
                return json.loads(data) if data else None
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 4:
                    raise
                time.sleep(0.5)


def title(rng):
    return " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()


def zipf_pick(rng, n):
    # Inverse-CDF of a 1/x density over [1, n]: index 0 is the most frequent.
    return min(n - 1, int(n ** rng.random()) - 1)


def run_parallel(jobs, workers, fn):
    """Runs fn(client, job) over jobs with `workers` threads; prints progress."""
    lock = threading.Lock()
    it = iter(jobs)
    done = [0]
    total = len(jobs)
    errors = []

    def worker():
        c = Client(ARGS.url, ARGS.key)
        while True:
            with lock:
                job = next(it, None)
            if job is None or errors:
                return
            try:
                fn(c, job)
            except Exception as e:  # reported once, stops the run
                errors.append(e)
                return
            with lock:
                done[0] += 1
                if done[0] % max(1, total // 20) == 0:
                    print(f"  {done[0]}/{total}", file=sys.stderr, flush=True)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cases", type=int, required=True)
    p.add_argument("--alerts-per-case", type=int, default=10)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--shared-cases", type=int, default=None,
                   help="cases holding the shared indicator (default: 3,000 from 50,000 cases on, else none)")
    ARGS = p.parse_args()
    n = ARGS.cases
    sev = ["low", "medium", "high", "critical"]
    status = ["new", "in_progress", "on_hold", "closed"]

    t0 = time.time()
    case_batches = [(i, min(BATCH, n - i)) for i in range(0, n, BATCH)]

    def cases(c, job):
        start, count = job
        rng = random.Random(ARGS.seed * 1_000_003 + start)
        items = [{
            "title": title(rng),
            "description": f"Investigation {start + k}: {title(rng)}.",
            "severity": rng.choice(sev),
            "status": rng.choices(status, weights=[30, 40, 10, 20])[0],
            "tags": rng.sample(WORDS, 2),
            "external_ref": f"SOC-{start + k}",
        } for k in range(count)]
        c.post("/api/v1/cases/batch", {"cases": items})

    print(f"cases: {n}", file=sys.stderr)
    run_parallel(case_batches, ARGS.workers, cases)
    t1 = time.time()

    total_alerts = n * ARGS.alerts_per_case
    alert_batches = [(i, min(BATCH, total_alerts - i)) for i in range(0, total_alerts, BATCH)]

    def alerts(c, job):
        start, count = job
        rng = random.Random(ARGS.seed * 7_000_003 + start)
        items = [{
            "title": title(rng),
            "source": rng.choice(["edr", "siem", "mail-gateway", "ids"]),
            "source_ref": f"ref-{start + k}",
            "severity": rng.choice(sev),
            "tags": rng.sample(WORDS, 1),
        } for k in range(count)]
        c.post("/api/v1/alerts/batch", {"alerts": items})

    print(f"alerts: {total_alerts}", file=sys.stderr)
    run_parallel(alert_batches, ARGS.workers, alerts)
    t2 = time.time()

    pool = max(10, n // 20)
    enriched = list(range(1, n + 1, 20))

    def enrich(c, number):
        rng = random.Random(ARGS.seed * 31 + number)
        for _ in range(3):
            v = zipf_pick(rng, pool)
            c.post(f"/api/v1/cases/{number}/observables",
                   {"type": "domain", "value": f"host{v}.bench-{v % 97}.example.net", "tlp": "amber"})
        c.post(f"/api/v1/cases/{number}/notes",
               {"title": "Triage", "content": f"Analyst notes for case {number}: {title(rng)} seen on host{number}."})

    print(f"observables and notes on {len(enriched)} cases", file=sys.stderr)
    run_parallel(enriched, ARGS.workers, enrich)
    shared = ARGS.shared_cases if ARGS.shared_cases is not None else (SHARED_CASES if n >= 50_000 else 0)
    shared = min(shared, n)
    step = max(1, n // shared) if shared else 1
    holders = [1 + i * step for i in range(shared)]

    def share(c, number):
        c.post(f"/api/v1/cases/{number}/observables",
               {"type": "domain", "value": SHARED_VALUE, "tlp": "amber"})

    if holders:
        print(f"{SHARED_VALUE} on {len(holders)} cases", file=sys.stderr)
        run_parallel(holders, ARGS.workers, share)
    t3 = time.time()
    print(json.dumps({
        "cases": n, "alerts": total_alerts, "enriched_cases": len(enriched),
        "shared_ioc_cases": len(holders), "shared_ioc_case": holders[0] if holders else None,
        "cases_per_s": round(n / max(t1 - t0, 1e-9)),
        "alerts_per_s": round(total_alerts / max(t2 - t1, 1e-9)),
        "load_seconds": round(t3 - t0, 1),
    }))


if __name__ == "__main__":
    main()
