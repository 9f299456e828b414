"""Metering end to end (issue 6): environments, prices, budgets, cost reports, /metrics.

Starts the real signetd with a metering configuration on a free loopback port, signs through
its JSON API (SigV4 signed here with the standard library, as the AWS SDKs sign) in three
environments, and checks `signet cost` (table, json, csv), the skip and budget answers, the
Prometheus scrape (promtool check metrics), and that usage survives a restart and a kill -9
during signing (every acknowledged signature has exactly one usage record).

Environments drive the deploy gate too: code signing configs tagged signet:environment=dev,
staging and prod (created with the AWS CLI v2, Debian's awscli, with the repository's Lambda
model so that it knows --tags) take off, warn and enforce from the configuration; `signet sign
zip --env dev` skips with exit 0, `aws lambda create-function` of the unsigned package is
blocked in prod, deployed with a counted warning in staging and deployed without checks in dev.

Usage: metering_test.py SIGNETD SIGNET
"""
import csv
import datetime
import hashlib
import hmac
import http.client
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from concurrent.futures import ThreadPoolExecutor

import integration_checks
from integration_checks import check

LAMBDA = "AWSLambda-SHA384-ECDSA"
NOTATION = "Notation-OCI-SHA384-ECDSA"
LAMBDA_PRICE = 5_000
IMAGE_PRICE = 500_000

CONFIG = {
    "default_environment": "staging",
    "environments": {
        "dev": {"signing": "skip", "enforcement": "off"},
        "staging": {"signing": "sign", "enforcement": "warn"},
        "prod": {"signing": "sign", "enforcement": "enforce"},
        # Two image signatures: the first reaches the 50% warning share, the second 100%, the
        # third is refused.
        "capped": {"budget": {"monthly_micros": 1_000_000, "warn_at": 0.5, "over_budget": "deny"}},
        # Eight concurrent image signings against a budget of two: exactly two are billed.
        "race": {"budget": {"monthly_micros": 1_000_000, "warn_at": 1, "over_budget": "deny"}},
    },
}


class Client:
    """A SigV4-signing client for one signetd (one keep-alive connection per thread)."""

    def __init__(self, port, key_id, secret, region="us-east-1"):
        self.port, self.key_id, self.secret, self.region = port, key_id, secret, region
        self.local = threading.local()

    def _conn(self):
        """(connection, reused): a reused keep-alive connection may have been closed while idle."""
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return self.local.conn, False
        return self.local.conn, True

    def request(self, method, path, body=b"", query=None, service="signer", headers=None):
        query = query or []
        if isinstance(body, str):
            body = body.encode()
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        date = amz_date[:8]
        payload_hash = hashlib.sha256(body).hexdigest()
        host = f"127.0.0.1:{self.port}"
        enc = lambda s: urllib.parse.quote(s, safe="-_.~")  # noqa: E731
        canonical_query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(query))
        signed = {"host": host, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
        names = ";".join(sorted(signed))
        canonical = "\n".join([method, path, canonical_query] +
                              [f"{k}:{signed[k]}" for k in sorted(signed)] + ["", names, payload_hash])
        scope = f"{date}/{self.region}/{service}/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        k = ("AWS4" + self.secret).encode()
        for part in (date, self.region, service, "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        all_headers = dict(signed)
        all_headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.key_id}/{scope}, "
                                        f"SignedHeaders={names}, Signature={signature}")
        if service != "s3":
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        url = path + ("?" + canonical_query if canonical_query else "")
        while True:
            conn, reused = self._conn()
            try:
                conn.request(method, url, body=body, headers=all_headers)
                r = conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # signetd closed the idle keep-alive connection before reading the request (as
                # HTTP clients do, retry once on a new one); a fresh connection's failure is real.
                self.local.conn = None
                if not reused:
                    raise
            except (OSError, http.client.HTTPException):
                self.local.conn = None
                raise
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def json(self, method, path, doc=None, env=None, query=None):
        headers = {"x-signet-environment": env} if env is not None else {}
        status, headers, data = self.request(method, path, json.dumps(doc) if doc is not None else b"",
                                             query=query, headers=headers)
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {"raw": data.decode(errors="replace")}
        return status, headers, parsed


def payload_bytes(n):
    digest = "sha256:" + hashlib.sha256(str(n).encode()).hexdigest()
    return json.dumps({"targetArtifact": {"digest": digest, "mediaType":
                       "application/vnd.oci.image.manifest.v1+json", "size": 100 + n}},
                      sort_keys=True, separators=(",", ":")).encode()


def sign_payload(client, profile, env, n):
    import base64
    doc = {"profileName": profile, "payload": base64.b64encode(payload_bytes(n)).decode(),
           "payloadFormat": "application/vnd.cncf.notary.payload.v1+json"}
    return client.json("POST", "/signing-jobs/with-payload", doc, env=env)


def start_job(client, profile, env, key, version, token):
    doc = {"source": {"s3": {"bucketName": "builds", "key": key, "version": version}},
           "destination": {"s3": {"bucketName": "builds", "prefix": "signed/"}},
           "profileName": profile, "clientRequestToken": token}
    return client.json("POST", "/signing-jobs", doc, env=env)


class Daemon:
    def __init__(self, signetd, data, config, log):
        self.signetd, self.data, self.config, self.log = signetd, data, config, log
        self.proc = None
        self.port = None

    def start(self):
        out = open(self.log, "a")
        self.proc = subprocess.Popen([self.signetd, "--data-dir", self.data, "--listen",
                                      "127.0.0.1:0", "--metering-config", self.config,
                                      "--threads", "16"], stdout=subprocess.PIPE, stderr=out,
                                     text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"signetd listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            raise RuntimeError("signetd did not start: " + line + open(self.log).read()[-3000:])
        self.port = int(m.group(1))
        # The log lines (spdlog writes to stdout) go to the log file too.
        def copy(stream=self.proc.stdout, log=self.log):
            with open(log, "a") as f:
                for line in stream:
                    f.write(line)
                    f.flush()
        threading.Thread(target=copy, daemon=True).start()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)


def credentials(data):
    text = open(os.path.join(data, "credentials")).read()
    key = re.search(r"aws_access_key_id = (\S+)", text).group(1)
    secret = re.search(r"aws_secret_access_key = (\S+)", text).group(1)
    return key, secret


def make_zip(n):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", f"def handler(event, context):\n    return {n}\n")
    return buf.getvalue()


def wait_jobs(client, job_ids, timeout=120):
    deadline = time.time() + timeout
    states = {}
    for job in job_ids:
        while True:
            status, _, d = client.json("GET", f"/signing-jobs/{job}")
            states[job] = d
            if status != 200 or d.get("status") != "InProgress" or time.time() > deadline:
                break
            time.sleep(0.05)
    return states


def run_cost(signet, port, data, *args):
    env = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=os.path.join(data, "credentials"),
               AWS_CONFIG_FILE=os.path.join(data, "config"))
    for v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env.pop(v, None)
    p = subprocess.run([signet, "cost", "--endpoint", f"http://127.0.0.1:{port}", *args],
                       capture_output=True, env=env, timeout=60)
    # Bytes decoded as they are: CSV lines end in CRLF (RFC 4180).
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main(signetd, signet):
    work = tempfile.mkdtemp(prefix="signet-metering-")
    data = os.path.join(work, "data")
    config = os.path.join(work, "metering.json")
    with open(config, "w") as f:
        json.dump(CONFIG, f)
    daemon = Daemon(signetd, data, config, os.path.join(work, "signetd.log"))
    try:
        daemon.start()
        scenario(daemon, signet, data, work)
    except Exception as e:  # noqa: BLE001 - reported as a failure with the log
        check("the scenario ran to the end", False, repr(e))
    finally:
        if daemon.proc and daemon.proc.poll() is None:
            daemon.proc.kill()
            daemon.proc.wait()
        if integration_checks.failed:
            print("--- signetd log (tail) ---")
            print(open(daemon.log).read()[-4000:])
        shutil.rmtree(work, ignore_errors=True)
    return integration_checks.summary()


def scenario(daemon, signet, data, work):
    key, secret = credentials(data)
    c = Client(daemon.port, key, secret)

    # --- Profiles, a versioned bucket and a package ------------------------------------------------
    for name, platform in (("app", LAMBDA), ("worker", LAMBDA), ("images", NOTATION),
                           ("burst", NOTATION)):
        status, _, d = c.json("PUT", f"/signing-profiles/{name}", {"platformId": platform})
        check(f"profile {name} created", status == 200, d)
    check("bucket created", c.request("PUT", "/builds", service="s3")[0] == 200)
    versioning = (b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                  b"<Status>Enabled</Status></VersioningConfiguration>")
    check("versioning enabled",
          c.request("PUT", "/builds", versioning, query=[("versioning", "")], service="s3")[0] == 200)
    status, headers, _ = c.request("PUT", "/builds/function.zip", make_zip(1), service="s3")
    version = headers.get("x-amz-version-id", "")
    check("package uploaded", status == 200 and version, headers)
    status, headers, _ = c.request("PUT", "/builds/not-a-zip.bin", b"hello", service="s3")
    bad_version = headers.get("x-amz-version-id", "")

    # --- N Lambda and M image signatures in three environments -------------------------------------
    # Lambda: staging 2 (one by default: no header), prod 3 (worker). Images: staging 1, prod 2.
    expected = {}  # (environment, profile, platform) -> signatures

    def count(env, profile, platform):
        expected[(env, profile, platform)] = expected.get((env, profile, platform), 0) + 1

    jobs = []
    token = 0
    for env, profile in (("staging", "app"), (None, "app"), ("prod", "worker"), ("prod", "worker"),
                         ("prod", "worker")):
        token += 1
        status, headers, d = start_job(c, profile, env, "function.zip", version, f"t{token}")
        if check(f"StartSigningJob {profile} in {env or 'the default environment'}", status == 200, d):
            jobs.append(d["jobId"])
            count(env or "staging", profile, LAMBDA)
    n_images = 0
    for env in ("staging", "prod", "prod"):
        n_images += 1
        status, headers, d = sign_payload(c, "images", env, n_images)
        if check(f"SignPayload images in {env}", status == 200 and "signature" in d, d):
            count(env, "images", NOTATION)
    states = wait_jobs(c, jobs)
    check("every Lambda job succeeded",
          all(s.get("status") == "Succeeded" for s in states.values()),
          [s.get("statusReason") for s in states.values()])

    # --- Failures, skips and unknown environments add nothing ---------------------------------------
    status, headers, d = sign_payload(c, "images", "dev", 100)
    check("skip in dev: 400 ValidationException saying so",
          status == 400 and headers.get("x-amzn-errortype") == "ValidationException" and
          d.get("message", "").startswith("signing skipped: environment dev is configured to skip signing")
          and headers.get("x-signet-signing-skipped") == "true", (status, d))
    token += 1
    status, headers, d = start_job(c, "app", "dev", "function.zip", version, f"t{token}")
    check("skip in dev for StartSigningJob too", status == 400 and "signing skipped" in d.get("message", ""), d)
    status, _, d = sign_payload(c, "images", "qa", 101)
    check("an unknown environment is a ValidationException naming the configured ones",
          status == 400 and "unknown environment 'qa'" in d.get("message", "") and
          "capped, dev, prod, race, staging" in d.get("message", ""), d)
    status, _, d = c.json("POST", "/signing-jobs/with-payload",
                          {"profileName": "images", "payload": "bm90IGEgcGF5bG9hZA==",
                           "payloadFormat": "application/vnd.cncf.notary.payload.v1+json"}, env="prod")
    check("a failed SignPayload (not a Notary payload) is refused", status == 400, d)
    token += 1
    status, _, d = start_job(c, "app", "prod", "not-a-zip.bin", bad_version, f"t{token}")
    failed_job = d.get("jobId")
    state = wait_jobs(c, [failed_job]).get(failed_job, {}) if failed_job else {}
    check("a job on a non-ZIP object fails", state.get("status") == "Failed", state)
    status, _, d = c.json("GET", "/signing-jobs", query=[("maxResults", "25")])
    check("dev created no job", status == 200 and len(d.get("jobs", [])) == len(jobs) + 1 + n_images,
          len(d.get("jobs", [])))

    n_lambda = len(jobs)
    total = n_lambda * LAMBDA_PRICE + n_images * IMAGE_PRICE
    check_reports(signet, daemon.port, data, expected, total, "after signing")

    # --- Budget: warning at the share, deny refuses the next signing --------------------------------
    status, headers, d = sign_payload(c, "images", "capped", 200)
    check("capped 1st signature: signed with the 50% warning in x-signet-warning",
          status == 200 and "(50%)" in headers.get("x-signet-warning", ""), (status, headers.get("x-signet-warning")))
    status, headers, d = sign_payload(c, "images", "capped", 201)
    check("capped 2nd signature: signed, warning at 100%",
          status == 200 and "(100%)" in headers.get("x-signet-warning", ""), headers.get("x-signet-warning"))
    status, headers, d = sign_payload(c, "images", "capped", 202)
    check("capped 3rd signature: 402 ServiceLimitExceededException with a clear message",
          status == 402 and headers.get("x-amzn-errortype") == "ServiceLimitExceededException" and
          "would exceed it, so it is refused (over_budget: deny)" in d.get("message", ""), (status, d))
    count("capped", "images", NOTATION)
    count("capped", "images", NOTATION)
    total += 2 * IMAGE_PRICE
    rc, out, err = run_cost(signet, daemon.port, data, "--by", "environment", "-o", "json")
    report = json.loads(out) if rc == 0 else {}
    capped = [r for r in report.get("rows", []) if r["environment"] == "capped"]
    check("capped is billed exactly its budget", capped and capped[0]["costMicros"] == 1_000_000, capped)
    with open(os.path.join(daemon.log)) as f:
        log = f.read()
    check("the budget warning and the refusal are logged",
          "budget: environment capped has used" in log and "signing refused: environment capped" in log)

    # Concurrent signings cannot together overrun a deny budget (decided in the usage transaction).
    results = []
    def race(i):
        racer = Client(daemon.port, key, secret)
        status, _, _ = sign_payload(racer, "images", "race", 300 + i)
        results.append(status)  # list.append is atomic
    racers = [threading.Thread(target=race, args=(i,)) for i in range(8)]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    check("8 concurrent signings on a budget of 2: exactly 2 signed, 6 refused with 402",
          sorted(results) == [200] * 2 + [402] * 6, sorted(results))
    count("race", "images", NOTATION)
    count("race", "images", NOTATION)
    total += 2 * IMAGE_PRICE

    # --- Environments drive the deploy gate (aws lambda through code signing configs) -------------
    signed_in_prod = lambda_environments(c, daemon, signet, data, work)
    for _ in range(signed_in_prod):
        count("prod", "app", LAMBDA)
    total += signed_in_prod * LAMBDA_PRICE

    # --- Cost API errors ----------------------------------------------------------------------------
    status, _, d = c.json("GET", "/usage/cost", query=[("by", "region")])
    check("GET /usage/cost?by=region is a ValidationException", status == 400 and "cannot group by" in d.get("message", ""), d)
    status, _, d = c.json("GET", "/usage/cost", query=[("month", "2026-13")])
    check("GET /usage/cost?month=2026-13 is a ValidationException", status == 400, d)
    rc, out, err = run_cost(signet, daemon.port, data, "--month", "nope")
    check("signet cost --month nope exits 2 with the server's message",
          rc == 2 and "ValidationException" in err and "YYYY-MM" in err, (rc, err))

    # --- Prometheus ---------------------------------------------------------------------------------
    scrape = os.path.join(work, "scrape.prom")
    conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
    conn.request("GET", "/metrics")
    r = conn.getresponse()
    body = r.read()
    with open(scrape, "wb") as f:
        f.write(body)
    check("/metrics answers 200 unauthenticated in the text format 0.0.4",
          r.status == 200 and "version=0.0.4" in (r.getheader("Content-Type") or ""))
    promtool = shutil.which("promtool")
    if check("promtool is installed (Debian prometheus; scripts/install-deps.sh --test)", promtool is not None):
        p = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, timeout=60)
        check("promtool check metrics accepts the scrape", p.returncode == 0,
              (p.stdout + p.stderr).decode(errors="replace")[:2000])
    text = body.decode()

    def sample(name, **labels):
        for line in text.splitlines():
            if not labels and line.startswith(name + " "):
                return float(line.rsplit(" ", 1)[1])
            if not line.startswith(name + "{"):
                continue
            got = dict(re.findall(r'(\w+)="([^"]*)"', line[len(name):line.rindex("}") + 1]))
            if got == labels:
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    check("signatures by platform/profile/environment",
          sample("signet_signatures_total", platform=LAMBDA, profile="worker", environment="prod") == 3
          and sample("signet_signatures_total", platform=NOTATION, profile="images", environment="race") == 2
          and sample("signet_signatures_total", platform=NOTATION, profile="images", environment="capped") == 2)
    check("cost in micro-dollars",
          sample("signet_signing_cost_microdollars_total", platform=NOTATION, profile="images",
                 environment="prod") == 2 * IMAGE_PRICE)
    check("signing latency histogram",
          sample("signet_signing_duration_seconds_count", platform=NOTATION) == n_images + 4)
    check("HTTP requests by operation and status",
          sample("signet_http_requests_total", service="signer", operation="SignPayload", status="200") == n_images + 4
          and sample("signet_http_requests_total", service="signer", operation="SignPayload", status="402") == 7
          and sample("signet_http_requests_total", service="s3", operation="ObjectPUT", status="200") == 2)
    check("refusals by reason",
          sample("signet_signing_refused_total", environment="dev", reason="skipped") == 3
          and sample("signet_signing_refused_total", environment="capped", reason="over_budget") == 1)
    check("the deploy-gate and admission families are exposed",
          "# TYPE signet_signature_validation_errors_total counter" in text
          and "# TYPE signet_admission_decisions_total counter" in text)
    check("the staging deploy's warning is counted by function and check; dev's ran no check",
          sample("signet_signature_validation_errors_total", function="staging-fn", check="mismatch") == 1
          and 'function="dev-fn"' not in text and 'function="prod-fn"' not in text)
    check("refusals by reason (race)",
          sample("signet_signing_refused_total", environment="race", reason="over_budget") >= 6)
    check("no raw path is a label", "/signing-jobs" not in text and "/builds" not in text)
    # The state database's own counts: every signature above wrote a transaction; commits are
    # shared (never more than transactions); the signing path read its profile from the cache.
    commits = sample("signet_store_commits_total")
    transactions = sample("signet_store_write_transactions_total")
    check("the store's commits and write transactions",
          transactions >= n_images + 4 and 1 <= commits <= transactions, (commits, transactions))
    check("the profile cache's hits and misses",
          sample("signet_store_profile_cache_lookups_total", result="hit") >= n_images
          and sample("signet_store_profile_cache_lookups_total", result="miss") >= 1
          and sample("signet_store_read_transactions_total") >= 1)
    check("the commit queue gauge", "# TYPE signet_store_writers_waiting gauge" in text)

    # --- Restart: usage survives --------------------------------------------------------------------
    daemon.stop()
    daemon.start()
    check_reports(signet, daemon.port, data, expected, total, "after a restart")

    # --- kill -9 during signing: every acknowledged signature has exactly one usage record ----------
    c = Client(daemon.port, key, secret)
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def burst(worker):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                status, _, d = sign_payload(c, "burst", "prod", 1000 * worker + i)
            except (OSError, http.client.HTTPException):
                return
            if status == 200:
                with lock:
                    acked.append(d["jobId"])

    threads = [threading.Thread(target=burst, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(acked) >= 40:
                break
        time.sleep(0.01)
    daemon.proc.kill()  # SIGKILL while requests are in flight
    daemon.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    db = sqlite3.connect(os.path.join(data, "signet.db"))
    usage_ids = [r[0] for r in db.execute(
        "SELECT j.job_id FROM usage_records u JOIN signing_jobs j ON j.seq = u.job_seq "
        "WHERE u.profile_name = 'burst'")]
    succeeded_without_usage = db.execute(
        "SELECT COUNT(*) FROM signing_jobs j LEFT JOIN usage_records u ON u.job_seq = j.seq "
        "WHERE j.status = 'Succeeded' AND u.job_seq IS NULL").fetchone()[0]
    usage_without_job = db.execute(
        "SELECT COUNT(*) FROM usage_records u LEFT JOIN signing_jobs j ON u.job_seq = j.seq "
        "WHERE j.job_id IS NULL OR j.status != 'Succeeded'").fetchone()[0]
    db.close()
    check(f"kill -9 after {len(acked)} acknowledged signatures: each has exactly one usage record",
          len(acked) >= 40 and set(acked) <= set(usage_ids) and len(usage_ids) == len(set(usage_ids)),
          (len(acked), len(usage_ids)))
    check("at most the 4 in-flight signatures were recorded without their answer",
          0 <= len(usage_ids) - len(acked) <= 4, (len(acked), len(usage_ids)))
    check("no succeeded job without usage, no usage without a succeeded job",
          succeeded_without_usage == 0 and usage_without_job == 0,
          (succeeded_without_usage, usage_without_job))
    daemon.start()
    count_burst = len(usage_ids)
    rc, out, err = run_cost(signet, daemon.port, data, "--by", "profile", "-o", "json")
    report = json.loads(out) if rc == 0 else {}
    burst_rows = [r for r in report.get("rows", []) if r["profile"] == "burst"]
    check("after kill -9 and restart, signet cost bills exactly the recorded burst signatures",
          burst_rows and burst_rows[0]["signatures"] == count_burst and
          burst_rows[0]["costMicros"] == count_burst * IMAGE_PRICE and
          report["total"]["costMicros"] == total + count_burst * IMAGE_PRICE, (burst_rows, report.get("total")))
    daemon.stop()


def aws_cli_v2():
    """The aws of Debian's awscli (the AWS CLI v2)."""
    aws = "/usr/bin/aws"
    p = subprocess.run(["dpkg", "-L", "awscli"], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.endswith("/bin/aws"):
            aws = line
            break
    return aws


def lambda_environments(c, daemon, signet, data, work):
    """Configs tagged with an environment take its enforcement; returns signatures made in prod."""
    aws = aws_cli_v2()
    if not check("AWS CLI v2 installed (Debian awscli; scripts/install-deps.sh --test)",
                 os.access(aws, os.X_OK)):
        return 0
    home = os.path.join(work, "aws-home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, AWS_SHARED_CREDENTIALS_FILE=os.path.join(data, "credentials"),
               AWS_CONFIG_FILE=os.path.join(data, "config"), AWS_MAX_ATTEMPTS="1", AWS_PAGER="",
               AWS_DEFAULT_OUTPUT="json", AWS_EC2_METADATA_DISABLED="true",
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    for v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL",
              "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(v, None)
    endpoint = f"http://127.0.0.1:{daemon.port}"
    model = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws-models", "lambda",
                         "2015-03-31", "service-2.json")

    def aws_call(*args):
        p = subprocess.run([aws, "--endpoint-url", endpoint, "--cli-connect-timeout", "10",
                            "--cli-read-timeout", "60", *args], capture_output=True, text=True,
                           env=env, timeout=120)
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else {}
        except ValueError:
            out = {"raw": p.stdout}
        return p.returncode, out, p.stderr

    p = subprocess.run([aws, "configure", "add-model", "--service-model", "file://" + model,
                        "--service-name", "lambda"], capture_output=True, text=True, env=env)
    if not check("aws configure add-model (lambda, with Tags)", p.returncode == 0, p.stderr):
        return 0
    status, _, d = c.json("GET", "/signing-profiles/app")
    pv = d.get("profileVersionArn", "")
    check("profile app has a version ARN", status == 200 and pv, d)

    # The pipeline's signing step: skipped in dev (exit 0, nothing written), signed in prod.
    package = os.path.join(work, "function.zip")
    with open(package, "wb") as f:
        f.write(make_zip(7))
    cred_env = dict(env)

    def sign_zip(environment, out):
        p = subprocess.run([signet, "sign", "zip", package, "--profile", "app", "-o", out,
                            "--env", environment, "--endpoint", endpoint],
                           capture_output=True, text=True, env=cred_env, timeout=60)
        return p.returncode, p.stdout, p.stderr

    dev_out, prod_out = os.path.join(work, "dev.signed.zip"), os.path.join(work, "prod.signed.zip")
    rc, out, err = sign_zip("dev", dev_out)
    check("signet sign zip --env dev: exit 0, 'signing skipped: environment dev', no file",
          rc == 0 and "signing skipped: environment dev" in out and not os.path.exists(dev_out),
          (rc, out, err))
    rc, out, err = sign_zip("prod", prod_out)
    signed_in_prod = 1 if check("signet sign zip --env prod signs", rc == 0 and
                                os.path.exists(prod_out), (rc, out, err)) else 0

    def create_config(environment, *extra):
        return aws_call("lambda", "create-code-signing-config", "--allowed-publishers",
                        f"SigningProfileVersionArns={pv}", "--tags",
                        f"signet:environment={environment}", *extra)

    with ThreadPoolExecutor(max_workers=4) as pool:
        made = dict(zip(("dev", "staging", "prod", "both", "qa"), pool.map(
            lambda a: create_config(*a),
            [("dev",), ("staging",), ("prod",),
             ("prod", "--code-signing-policies", "UntrustedArtifactOnDeployment=Warn"), ("qa",)])))
    arns = {}
    for environment, want in (("dev", "Warn"), ("staging", "Warn"), ("prod", "Enforce")):
        rc, d, err = made[environment]
        config = d.get("CodeSigningConfig", {})
        arns[environment] = config.get("CodeSigningConfigArn", "")
        check(f"create-code-signing-config --tags signet:environment={environment}: reports {want}",
              rc == 0 and config.get("CodeSigningPolicies", {}).get("UntrustedArtifactOnDeployment") == want,
              (rc, d, err))
    rc, _, err = made["both"]
    check("a policy beside the environment tag -> InvalidParameterValueException",
          rc == 254 and "(InvalidParameterValueException)" in err and "takes its policy" in err, (rc, err))
    rc, _, err = made["qa"]
    check("an environment that is not configured -> InvalidParameterValueException naming them",
          rc == 254 and "(InvalidParameterValueException)" in err and
          "configured: capped, dev, prod, race, staging" in err, (rc, err))
    rc, d, err = aws_call("lambda", "get-code-signing-config", "--code-signing-config-arn", arns["prod"])
    check("get-code-signing-config of the prod config: Enforce",
          rc == 0 and d["CodeSigningConfig"]["CodeSigningPolicies"]["UntrustedArtifactOnDeployment"] == "Enforce",
          (rc, d, err))

    def deploy(name, environment, zip_path):
        return aws_call("lambda", "create-function", "--function-name", name, "--runtime", "python3.12",
                        "--role", "arn:aws:iam::000000000000:role/run", "--handler", "index.handler",
                        "--zip-file", "fileb://" + zip_path, "--code-signing-config-arn", arns[environment])

    with ThreadPoolExecutor(max_workers=4) as pool:
        prod_unsigned, prod_signed, staging, dev = pool.map(lambda a: deploy(*a), [
            ("prod-fn", "prod", package), ("prod-signed-fn", "prod", prod_out),
            ("staging-fn", "staging", package), ("dev-fn", "dev", package)])
    rc, _, err = prod_unsigned
    check("prod (enforce): unsigned create-function -> CodeVerificationFailedException",
          rc == 254 and "(CodeVerificationFailedException)" in err and "mismatch" in err, (rc, err))
    rc, d, err = prod_signed
    check("prod (enforce): the package signed with --env prod deploys and names its signer",
          rc == 0 and d.get("SigningProfileVersionArn") == pv, (rc, d, err))
    rc, d, err = staging
    check("staging (warn): unsigned create-function deploys", rc == 0 and d.get("FunctionName") == "staging-fn",
          (rc, d, err))
    rc, d, err = dev
    check("dev (off): unsigned create-function deploys without checks",
          rc == 0 and d.get("FunctionName") == "dev-fn", (rc, d, err))
    with open(daemon.log) as f:
        log = f.read()
    check("the staging warning is logged with function and check",
          re.search(r"deployed under Warn function=staging-fn .*check=mismatch", log) is not None)
    return signed_in_prod


def check_reports(signet, port, data, expected, total, when):
    """signet cost in the three formats shows the exact total and the right split."""
    def split(key_index):
        out = {}
        for key, n in expected.items():
            price = LAMBDA_PRICE if key[2] == LAMBDA else IMAGE_PRICE
            k = key[key_index]
            out[k] = out.get(k, 0) + n * price
        return out

    by_env, by_profile, by_platform = split(0), split(1), split(2)
    rc, out, err = run_cost(signet, port, data, "--by", "environment", "--by", "profile",
                            "--by", "platform", "--output", "json")
    if not check(f"{when}: signet cost -o json exits 0", rc == 0, err):
        return
    report = json.loads(out)
    check(f"{when}: json total is exactly N x 5000 + M x 500000 = {total}",
          report["total"]["costMicros"] == total and
          report["total"]["cost"] == f"{total // 1_000_000}.{total % 1_000_000:06d}", report["total"])
    got = {}
    for r in report["rows"]:
        got[(r["environment"], r["profile"], r["platform"])] = r["signatures"]
    check(f"{when}: json rows split by environment, profile and platform", got == expected, (got, expected))

    for dim, want in (("environment", by_env), ("profile", by_profile), ("platform", by_platform)):
        rc, out, err = run_cost(signet, port, data, "--by", dim, "-o", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        got = {r[dim]: int(r["cost_micros"]) for r in rows}
        check(f"{when}: csv by {dim}", rc == 0 and got == want and
              sum(got.values()) == total, (got, want, err))
        rc, out, err = run_cost(signet, port, data, "--by", dim)
        lines = out.splitlines()
        table = {}
        for line in lines[2:-1]:
            cells = line.split()
            table[cells[0]] = int(cells[-1])
        total_line = lines[-1].split() if lines else []
        check(f"{when}: table by {dim}", rc == 0 and table == want and total_line[:1] == ["TOTAL"]
              and total_line[-1] == str(total), out + err)
    month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")
    rc, out, err = run_cost(signet, port, data, "--month", month, "--by", "month", "-o", "csv")
    check(f"{when}: --month {month} --by month", rc == 0 and
          out == f"month,signatures,cost_micros,cost_usd\r\n{month},{sum(expected.values())},{total},"
                 f"{total // 1_000_000}.{total % 1_000_000:06d}\r\n", repr(out) + err)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
