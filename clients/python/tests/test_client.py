"""Tests of the Python client against a running service (HYPATIA_TARGET=host:port)."""
import math
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import grpc  # noqa: E402

from hypatia_client import Categorical, Client, Float, HypatiaError, Int  # noqa: E402

TARGET = os.environ.get("HYPATIA_TARGET", "127.0.0.1:50051")


def name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.client = Client(TARGET)

    def tearDown(self):
        self.client.close()

    def test_ask_tell_loop_finds_the_best_trial(self):
        study = name("py-branin")
        self.client.create_study(study, [Float("x1", -5, 10), Float("x2", 0, 15)])
        told = {}
        for _ in range(40):
            t = self.client.ask(study)
            x1, x2 = t.config["x1"], t.config["x2"]
            y = (x2 - 5.1 / (4 * math.pi ** 2) * x1 ** 2 + 5 / math.pi * x1 - 6) ** 2 \
                + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10
            self.client.tell(t, [y])
            told[t.number] = y
        best = self.client.best_trials(study)
        self.assertEqual(min(told, key=told.get), best[0]["number"])

    def test_mixed_and_conditional_spaces_round_trip(self):
        study = name("py-mixed")
        self.client.create_study(study, [
            Categorical("opt", ["sgd", "adam"]),
            Float("momentum", 0.0, 0.99, condition=("opt", ["sgd"])),
            Int("units", 16, 256, step=16),
        ])
        for _ in range(20):
            t = self.client.ask(study)
            self.assertEqual("momentum" in t.config, t.config["opt"] == "sgd")
            self.assertEqual(0, (t.config["units"] - 16) % 16)
            self.client.tell(t, [1.0])

    def test_bad_requests_raise_errors_naming_the_field(self):
        with self.assertRaises(HypatiaError) as e:
            self.client.create_study(name("py-bad"), [Float("lr", 1.0, 0.1)])
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, e.exception.code)
        self.assertEqual("search_space.params[0].float.low", e.exception.field)
        study = name("py-nan")
        self.client.create_study(study, [Float("x", 0, 1)])
        t = self.client.ask(study)
        with self.assertRaises(HypatiaError) as e:
            self.client.tell(t, [float("nan")])
        self.assertEqual("complete.values[0]", e.exception.field)
        with self.assertRaises(HypatiaError) as e:
            self.client.ask(name("py-missing"))
        self.assertEqual(grpc.StatusCode.NOT_FOUND, e.exception.code)

    def test_tell_is_idempotent_with_a_request_id(self):
        study = name("py-idem")
        self.client.create_study(study, [Float("x", 0, 1)])
        t = self.client.ask(study)
        first = self.client.tell(t, [0.5], request_id="same")
        again = self.client.tell(t, [0.5], request_id="same")
        self.assertEqual(first.id, again.id)
        with self.assertRaises(HypatiaError) as e:
            self.client.tell(t, [0.5], request_id="other")
        self.assertEqual(grpc.StatusCode.FAILED_PRECONDITION, e.exception.code)


if __name__ == "__main__":
    unittest.main()
