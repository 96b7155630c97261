"""The Nu HTML Checker (vnu.jar) for the browser tests: every HTML page a test's browser receives
is checked, and any error fails the test.

`make test` installs the checker with `npm ci` in `.ci/html-checker/` (npm package `vnu-jar`);
it runs on the machine's Java (17 or later). It is started once per test session as a local web
service (vnu's own servlet on a loopback port), which answers in well under a second per page
once warm, where a fresh `java -jar` costs several seconds each time.

Without Java or the installed jar the check is skipped and the session's summary says why;
under `CI=true` a missing checker is a failure instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / ".ci/html-checker/node_modules/vnu-jar/build/dist/vnu.jar"
STARTUP_SECONDS = 240  # a loaded 2-core machine took 30 s; leave room
# The checker's schemas are deeply recursive: Java's default thread stack overflows on them.
JAVA_OPTIONS = ["-Xss16m", "-Xmx512m", "-Dnu.validator.servlet.bind-address=127.0.0.1"]


def unavailable_reason() -> str:
    """Why the checker cannot run here, or "" if it can."""
    if shutil.which("java") is None:
        return "Java is not installed (apt-get install default-jre-headless)"
    if not JAR.exists():
        if shutil.which("npm") is None:
            return "npm is not installed, so vnu-jar could not be installed (apt-get install npm)"
        return f"{JAR.relative_to(ROOT)} is missing (run: cd .ci/html-checker && npm ci)"
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class HtmlChecker:
    """A running vnu servlet; `errors(html)` gives the checker's error messages for a page."""

    process: subprocess.Popen | None = None
    port: int = 0
    _seen: dict[int, list[str]] = field(default_factory=dict)

    def start(self) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            ["java", *JAVA_OPTIONS, "-cp", str(JAR), "nu.validator.servlet.Main", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The Nu HTML Checker stopped on start ({self.process.returncode})"
                )
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"The Nu HTML Checker did not start within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def errors(self, html: str) -> list[str]:
        key = hash(html)
        if key not in self._seen:
            self._seen[key] = self._check(html)
        return self._seen[key]

    def _check(self, html: str) -> list[str]:
        request = urllib.request.Request(  # noqa: S310 (our own loopback servlet)
            f"http://127.0.0.1:{self.port}/?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            messages = json.load(response)["messages"]
        lines = html.splitlines()
        found = []
        for message in messages:
            if message["type"] not in ("error", "non-document-error"):
                continue
            line = message.get("lastLine", 0)
            source = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
            found.append(f"line {line}: {message['message']}\n        {source}")
        return found


def must_run() -> bool:
    return os.environ.get("CI") == "true"
