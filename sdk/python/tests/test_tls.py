"""TLS without a node: a CA file reaches redis-py's connections for rediss:// (the shared client
and each queue's waiting connection), and the HTTP client trusts a CA file for an https API URL,
tried against a local HTTPS server whose certificate a throw-away CA signed (made with openssl)."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import unittest

import redis

from igor_sdk import IgorClient, IgorError, Worker
from support import own_prefix


def make_certificates(directory: str) -> None:
    """ca.pem, and server.pem/server.key for 127.0.0.1 signed by it."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=igor-test-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "san.ext")


class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = json.dumps({"items": [], "path": self.path}).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class TlsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="igor-sdk-tls-")
        make_certificates(self.dir)
        self.ca = os.path.join(self.dir, "ca.pem")

    def tearDown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_the_redis_ca_file_reaches_every_connection_of_a_rediss_worker(self) -> None:
        w = Worker("rediss://127.0.0.1:1", own_prefix(), redis_ca_file=self.ca)
        for client in (w.redis, w._connect(single=True)):
            pool = client.connection_pool
            self.assertIs(pool.connection_class, redis.SSLConnection)
            self.assertEqual(pool.connection_kwargs["ssl_ca_certs"], self.ca)
            self.assertEqual(pool.connection_kwargs["ssl_cert_reqs"], "required")
        with self.assertRaisesRegex(ValueError, "rediss://"):
            Worker("redis://127.0.0.1:6379", own_prefix(), redis_ca_file=self.ca)

    def test_the_api_client_trusts_its_ca_file_and_refuses_a_server_it_does_not_trust(self) -> None:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(self.dir, "server.pem"), os.path.join(self.dir, "server.key"))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = "https://127.0.0.1:%d" % server.server_address[1]
        try:
            self.assertEqual(IgorClient(url, ca_file=self.ca).workers()["path"], "/api/v1/workers")
            w = Worker("redis://127.0.0.1:6379", own_prefix(), api_url=url, api_ca_file=self.ca)
            assert w.api is not None
            self.assertEqual(w.api.workers()["path"], "/api/v1/workers", "the worker's API client trusts it too")
            with self.assertRaises(IgorError) as refused:
                IgorClient(url).workers()
            self.assertIn("CERTIFICATE_VERIFY_FAILED", refused.exception.error)
        finally:
            server.shutdown()
            server.server_close()
        with self.assertRaisesRegex(ValueError, "https://"):
            IgorClient("http://127.0.0.1:8100", ca_file=self.ca)


if __name__ == "__main__":
    unittest.main()
