"""Builds hypatia-client; the gRPC stubs are generated from the project's .proto at build time."""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import gen_stubs  # noqa: E402


class BuildWithStubs(build_py):
    """Copies the package, then generates hypatia_client/_gen into the build folder."""

    def run(self):
        super().run()
        gen_stubs.generate(self.build_lib)


setup(cmdclass={"build_py": BuildWithStubs})
