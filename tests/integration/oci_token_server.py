#!/usr/bin/env python3
"""A Docker token-authentication service (the `auth.token` realm of docker-registry) for the OCI
integration test: it checks HTTP basic credentials and issues an ES256 JWT granting the scopes
asked for, signed by a key whose self-signed certificate is the registry's rootcertbundle (the
token carries it in x5c). Test-only; the registry that verifies the tokens is the real one.

Usage: oci_token_server.py PORT_FILE CERT KEY TLS_CERT TLS_KEY USER PASSWORD ISSUER SERVICE LOG
Listens on a free loopback port (HTTPS), writes the port to PORT_FILE, logs one line a request.
"""
import base64, http.server, json, os, socketserver, ssl, sys, time, urllib.parse, uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

port_file, cert_file, key_file, tls_cert, tls_key, user, password, issuer, service, log_file = sys.argv[1:11]
cert = x509.load_pem_x509_certificate(open(cert_file, "rb").read())
key = serialization.load_pem_private_key(open(key_file, "rb").read(), password=None)
x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_for(scopes, subject):
    access = []
    for scope in scopes:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        access.append({"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]})
    now = int(time.time())
    claims = {"iss": issuer, "sub": subject, "aud": service, "exp": now + 300, "nbf": now - 10,
              "iat": now, "jti": str(uuid.uuid4()), "access": access}
    header = {"typ": "JWT", "alg": "ES256", "x5c": [x5c]}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        authorized = self.headers.get("Authorization") == expected
        with open(log_file, "a") as log:
            log.write(f"{url.path} service={query.get('service', [''])[0]} "
                      f"scope={' '.join(query.get('scope', []))} authorized={authorized}\n")
        if url.path != "/token" or query.get("service") != [service] or not authorized:
            self.send_response(401)
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"wrong user or password"}]}'
        else:
            self.send_response(200)
            token = token_for(query.get("scope", []), user)
            body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(tls_cert, tls_key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
