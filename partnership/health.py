"""The health endpoint, /health/, for the orchestrator and monitoring (django-health-check).

It checks that the database answers, the broker accepts a connection, storage can write, read
and delete a file, and a Celery worker ran the run sweep recently (partnership.runs records a
heartbeat each time; in eager mode the web process is the worker). It answers 200 when all is
well and 503 otherwise, to anyone: the answer names the four checks and says "ok" or "failing"
for each, nothing more. What failed and why goes to the log, not to the caller.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import logging

from asgiref.sync import sync_to_async
from celery import current_app
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from health_check import checks
from health_check.base import HealthCheck
from health_check.checks import Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from . import runs

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Database(checks.Database):
    """`SELECT 1` on the request's own thread and connection (as every other query runs)."""

    async def run(self) -> None:
        await sync_to_async(super().run)()


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or the development filesystem broker)."""

    timeout = datetime.timedelta(seconds=5)

    def run(self) -> None:
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as error:
            raise ServiceUnavailable("The broker cannot be reached") from error


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker ran the run sweep within the last three sweep intervals (two minutes at least)."""

    async def run(self) -> None:
        if current_app.conf.task_always_eager:
            return  # tasks run in the web process itself
        stale_after = datetime.timedelta(seconds=max(3 * settings.RUN_SWEEP_SECONDS, 120))
        seen = await sync_to_async(runs.latest_worker_heartbeat)()
        if seen is None or timezone.now() - seen > stale_after:
            raise ServiceUnavailable("No Celery worker has run the sweep recently")


CHECKS = {"database": Database, "broker": Broker, "storage": Storage, "worker": WorkerHeartbeat}


@method_decorator(login_not_required, name="dispatch")
class HealthView(HealthCheckView):
    checks = tuple(CHECKS.values())

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        states = {
            name: "failing" if result.error else "ok"
            for name, result in zip(CHECKS, results, strict=True)
        }
        healthy = all(state == "ok" for state in states.values())
        for name, result in zip(CHECKS, results, strict=True):
            if result.error:
                logger.warning("Health check %s failing: %s", name, result.error)
        return JsonResponse(
            {"status": "ok" if healthy else "failing", "checks": states},
            status=200 if healthy else 503,
        )
