"""Helpers of aws_cli_signer_test.sh (standard library only).

  check FILE EXPR          exit 0 when EXPR holds for the JSON document `d` in FILE
  get FILE EXPR            print EXPR (strings raw, anything else as JSON)
  equal FILE1 FILE2        exit 0 when both files hold the same JSON document
  envelope FILE DIR        decode a SignPayload response: DIR/{envelope.json, protected.json,
                           payload.bin, signing-input, signature.der, chain-N.pem, leaf-hash}
  fetch URL_FILE OUT       GET the URL held in URL_FILE (a presigned URL) into OUT (exit 3: HTTP error)
  add-key FILE ID SECRET ACCOUNT PRINCIPAL   append an access key to DATA/access-keys.json
  auth-probe ENDPOINT KEY_ID SECRET REGION OUT
                           raw SigV4 requests signed here (header and presigned forms, with
                           the clock moved) and their outcomes as JSON in OUT
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import time

# urllib.request (http.client, email, ssl) is imported only by the commands that talk HTTP: the
# checks, run hundreds of times, start faster without it.


def ts(value):
    """Epoch seconds of a timestamp as either CLI prints it (v1: epoch number, v2: ISO 8601)."""
    if isinstance(value, (int, float)):
        return float(value)
    text = value.replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp()


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def names(items, key="profileName"):
    return sorted(item[key] for item in items)


def evaluate(path, expr):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    d = json.loads(text) if text.strip() else None
    scope = {"d": d, "ts": ts, "now": time.time(), "b64url": b64url, "names": names,
             "re": re, "json": json, "base64": base64, "env": os.environ, "load": load,
             "out": lambda call: load(os.path.join(os.environ["R"], call + ".out"))}
    return d, eval("(" + expr + "\n)", scope)  # noqa: S307 - test expressions written in the test script


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def cmd_check(path, expr):
    try:
        d, value = evaluate(path, expr)
    except Exception as e:  # noqa: BLE001 - report any evaluation error as a failed check
        print(f"    {type(e).__name__}: {e}")
        d, value = None, False
        try:
            with open(path, encoding="utf-8") as f:
                d = f.read()
        except OSError:
            pass
    if value:
        return 0
    text = d if isinstance(d, str) else json.dumps(d, indent=1, default=str)
    print(f"    expected: {expr}")
    print("    document: " + text[:1500].replace("\n", "\n    "))
    return 1


def cmd_get(path, expr):
    _, value = evaluate(path, expr)
    print(value if isinstance(value, str) else json.dumps(value))
    return 0


def cmd_equal(a, b):
    da, db = load(a), load(b)
    if da == db:
        return 0
    print("    before: " + json.dumps(da, sort_keys=True)[:1500])
    print("    after:  " + json.dumps(db, sort_keys=True)[:1500])
    return 1


def der_element(data, offset):
    """(start, end) of the DER element at offset, header included."""
    length = data[offset + 1]
    header = 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[offset + 2:offset + 2 + n], "big")
        header += n
    return offset, offset + header + length, header


def tbs_of(cert_der):
    _, _, header = der_element(cert_der, 0)  # Certificate ::= SEQUENCE { tbsCertificate, ... }
    start, end, _ = der_element(cert_der, header)
    return cert_der[start:end]


def der_integer(value):
    value = value.lstrip(b"\x00") or b"\x00"
    if value[0] & 0x80:
        value = b"\x00" + value
    return b"\x02" + bytes([len(value)]) + value


def cmd_envelope(path, out):
    os.makedirs(out, exist_ok=True)
    response = load(path)
    envelope = json.loads(base64.b64decode(response["signature"]))
    with open(os.path.join(out, "envelope.json"), "w", encoding="utf-8") as f:
        json.dump(envelope, f)
    with open(os.path.join(out, "protected.json"), "wb") as f:
        f.write(b64url(envelope["protected"]))
    with open(os.path.join(out, "payload.bin"), "wb") as f:
        f.write(b64url(envelope["payload"]))
    with open(os.path.join(out, "signing-input"), "wb") as f:
        f.write((envelope["protected"] + "." + envelope["payload"]).encode())
    raw = b64url(envelope["signature"])
    half = len(raw) // 2
    sig = der_integer(raw[:half]) + der_integer(raw[half:])
    with open(os.path.join(out, "signature.der"), "wb") as f:
        f.write(b"\x30" + bytes([len(sig)]) + sig)
    chain = [base64.b64decode(c) for c in envelope["header"]["x5c"]]
    for i, der in enumerate(chain):
        b64 = base64.encodebytes(der).decode().replace("\n", "")
        lines = [b64[j:j + 64] for j in range(0, len(b64), 64)]
        with open(os.path.join(out, f"chain-{i}.pem"), "w", encoding="utf-8") as f:
            f.write("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) +
                    "\n-----END CERTIFICATE-----\n")
    # The certificate hash GetRevocationStatus takes: SHA-384 of the leaf's TBS, then its issuer's.
    with open(os.path.join(out, "leaf-hash"), "w", encoding="utf-8") as f:
        f.write(hashlib.sha384(tbs_of(chain[0]) + tbs_of(chain[1])).hexdigest())
    return 0


def cmd_fetch(url_file, out):
    """GET the URL that url_file holds (e.g. what `aws s3 presign` printed) into out."""
    import urllib.request
    with open(url_file, encoding="utf-8") as f:
        url = f.read().strip()
    import urllib.error
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with no_proxy.open(url, timeout=10) as response, open(out, "wb") as f:
            f.write(response.read())
    except urllib.error.HTTPError as e:
        print(f"HTTP {e.code}: {e.read()[:500]!r}")
        return 3
    return 0


def cmd_add_key(path, key_id, secret, account, principal):
    doc = load(path)
    doc["accessKeys"].append({"accessKeyId": key_id, "secretAccessKey": secret,
                              "account": account, "principal": principal})
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    return 0


# --- A minimal SigV4 signer (to move the clock, which the CLIs cannot) ---------------------------

def quote(s):
    import urllib.parse
    return urllib.parse.quote(s, safe="-_.~")


def signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signed_request(endpoint, path, query, key_id, secret, region, service, when,
                   presign=False, expires=60):
    import urllib.error
    import urllib.parse
    import urllib.request
    host = urllib.parse.urlsplit(endpoint).netloc
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    headers = {"host": host}
    params = dict(query)
    if presign:
        # botocore: S3 presigns UNSIGNED-PAYLOAD, every other service the hash of the (empty) body.
        payload_hash = "UNSIGNED-PAYLOAD" if service == "s3" else hashlib.sha256(b"").hexdigest()
        params.update({"X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                       "X-Amz-Credential": f"{key_id}/{scope}", "X-Amz-Date": amz_date,
                       "X-Amz-Expires": str(expires), "X-Amz-SignedHeaders": "host"})
    else:
        payload_hash = hashlib.sha256(b"").hexdigest()
        headers["x-amz-date"] = amz_date
        headers["x-amz-content-sha256"] = payload_hash
    canonical_query = "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(params.items()))
    signed_headers = ";".join(sorted(headers))
    canonical = "\n".join(["GET", path, canonical_query,
                           "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)),
                           signed_headers, payload_hash])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(signing_key(secret, amz_date[:8], region, service), to_sign.encode(),
                         hashlib.sha256).hexdigest()
    if presign:
        params["X-Amz-Signature"] = signature
    else:
        headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
                                    f"SignedHeaders={signed_headers}, Signature={signature}")
    url = endpoint + path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
    request = urllib.request.Request(url, method="GET")
    for k, v in headers.items():
        if k != "host":
            request.add_header(k, v)
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with no_proxy.open(request, timeout=10) as response:
            return {"status": response.status, "type": None, "body": response.read().decode()}
    except urllib.error.HTTPError as e:
        body = e.read().decode(errors="replace")
        kind = e.headers.get("x-amzn-ErrorType")
        if kind is None:
            m = re.search(r"<Code>([^<]+)</Code>", body)
            kind = m.group(1) if m else None
        return {"status": e.code, "type": kind.split(":")[0] if kind else None, "body": body}


def cmd_auth_probe(endpoint, key_id, secret, region, out):
    import urllib.error
    import urllib.request
    now = datetime.datetime.now(datetime.timezone.utc)
    minutes = lambda m: now + datetime.timedelta(minutes=m)  # noqa: E731
    platforms = "/signing-platforms"
    results = {
        "header_now": signed_request(endpoint, platforms, {}, key_id, secret, region, "signer", now),
        "header_4min_old": signed_request(endpoint, platforms, {}, key_id, secret, region,
                                          "signer", minutes(-4)),
        "header_10min_old": signed_request(endpoint, platforms, {}, key_id, secret, region,
                                           "signer", minutes(-10)),
        "header_10min_ahead": signed_request(endpoint, platforms, {}, key_id, secret, region,
                                             "signer", minutes(10)),
        "presigned_now": signed_request(endpoint, platforms, {"maxResults": "1"}, key_id, secret,
                                        region, "signer", now, presign=True),
        "presigned_expired": signed_request(endpoint, platforms, {"maxResults": "1"}, key_id,
                                            secret, region, "signer", minutes(-10), presign=True),
        "presigned_tampered": signed_request(endpoint, platforms, {"maxResults": "1"}, key_id,
                                             secret + "x", region, "signer", now, presign=True),
        "unsigned": {},
        "s3_10min_old": signed_request(endpoint, "/", {}, key_id, secret, region, "s3",
                                       minutes(-10)),
    }
    try:
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with no_proxy.open(endpoint + platforms, timeout=10) as response:
            results["unsigned"] = {"status": response.status, "type": None}
    except urllib.error.HTTPError as e:
        results["unsigned"] = {"status": e.code,
                               "type": (e.headers.get("x-amzn-ErrorType") or "").split(":")[0]}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    return 0


def main(argv):
    commands = {"check": cmd_check, "get": cmd_get, "equal": cmd_equal,
                "envelope": cmd_envelope, "fetch": cmd_fetch, "add-key": cmd_add_key, "auth-probe": cmd_auth_probe}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
