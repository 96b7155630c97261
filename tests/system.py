"""System programs that some tests need (from Debian packages that .ci/system-deps.sh installs).

Without one, a test that needs it is skipped, naming the program and the package to install;
under CI=true every skip is a failure (tests/conftest.py), since CI installs them all.
"""

import shutil

import pytest


def require_program(program: str, package: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed (apt-get install {package})")
