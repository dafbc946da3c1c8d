"""The client against a service that requires a bearer token over TLS.

Run by the integration test PythonClientIT against `hypatia serve --auth-tokens ... --tls-cert ...
--tls-key ...` with a self-signed certificate; skipped unless these are set:
    HYPATIA_SECURE_TARGET=127.0.0.1:PORT HYPATIA_TOKEN=... HYPATIA_CA=server.crt.pem
"""
import os
import unittest
import uuid

import grpc

import hypatia_client as hp

TARGET = os.environ.get("HYPATIA_SECURE_TARGET")


@unittest.skipUnless(TARGET, "HYPATIA_SECURE_TARGET, HYPATIA_TOKEN and HYPATIA_CA name a service with tokens and TLS")
class SecurityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.environ["HYPATIA_CA"], "rb") as f:
            cls.ca = f.read()
        cls.token = os.environ["HYPATIA_TOKEN"]

    def test_a_token_over_tls_works(self):
        client = hp.Client(TARGET, token=self.token, root_certificates=self.ca, page_size=2)
        name = f"py-secure-{uuid.uuid4().hex[:8]}"
        study = client.create_study(name, {"x": hp.Float(0, 1)})
        for v in (0.5, 0.25, 0.75):
            study.tell(study.ask(), v)
        self.assertEqual(3, len(study.trials))
        self.assertEqual(0.25, study.best_value)
        self.assertIn(name, [s["name"] for s in client.list_studies()])  # under the name it gave

    def test_a_bad_token_is_unauthenticated_with_a_clear_message(self):
        client = hp.Client(TARGET, token="not-" + self.token, root_certificates=self.ca, retries=0)
        with self.assertRaises(hp.Unauthenticated) as bad:
            client.list_studies()
        self.assertEqual(grpc.StatusCode.UNAUTHENTICATED, bad.exception.code)
        self.assertEqual("unknown or revoked token", bad.exception.message)
        self.assertIsNone(bad.exception.field)
        self.assertEqual("ListStudies", bad.exception.method)

    def test_no_token_is_unauthenticated_and_says_what_to_send(self):
        with self.assertRaises(hp.Unauthenticated) as none:
            hp.Client(TARGET, root_certificates=self.ca, retries=0).list_studies()
        self.assertIn("bearer token", none.exception.message)

    def test_the_tls_port_refuses_plaintext(self):
        with self.assertRaises(hp.Unavailable):
            hp.Client(TARGET, token=self.token, retries=0, timeout=10).list_studies()


if __name__ == "__main__":
    unittest.main()
