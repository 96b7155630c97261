"""Time a provider return's import on the data in the database: a benchmark, not a test.

    bash .ci/with-servers.sh sh -c 'uv run python manage.py migrate -v0 &&
        uv run python manage.py seed_demo --referrals 100000 --seed 7 &&
        uv run python manage.py benchmark_import --rows 100000'

Generates a return of `--rows` rows for one service (about one in a hundred rows wrong on
purpose), uploads it as the demo performance lead, then times the check (every row read and
validated, nothing written) and the apply (every accepted row written in one transaction,
the monthly summary recounted) `--repeat` times each, printing each time and the median. Each
apply is rolled back afterwards, so the database is as it was unless `--keep` is given; the
upload itself (the import's row) stays. Peak memory is the process's resident set, with the
Python heap's own peak per phase (tracemalloc) under `--trace-memory`, which slows it down.
Refuses to run with DJANGO_DEBUG off: it is for a development or throwaway database.
"""

import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from commissioning.models import CommissionedService
from partnership.constants import Role
from partnership.models import User
from referrals.imports import runs, services
from referrals.imports.benchmark import write_return
from referrals.imports.models import ImportPhase, ImportStatus, ReturnImport
from referrals.models import Referral


class _RolledBack(Exception):
    pass


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=3, help="how many times to time each")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", dest="file_format")
        parser.add_argument("--service", help="the service's name (default: the first)")
        parser.add_argument("--keep", action="store_true", help="keep the last apply's referrals")
        parser.add_argument("--trace-memory", action="store_true")

    def handle(self, *args, rows, repeat, file_format, service, keep, trace_memory, **options):
        if not settings.DEBUG:
            raise CommandError("benchmark_import writes to the database: DJANGO_DEBUG must be on.")
        lead = User.objects.filter(groups__name=Role.PERFORMANCE_LEAD).order_by("pk").first()
        services_ = CommissionedService.objects.filter(is_active=True).order_by("name")
        chosen = services_.filter(name=service).first() if service else services_.first()
        if lead is None or chosen is None:
            raise CommandError("No performance lead or no service: run seed_demo first.")
        self.trace = trace_memory
        self.stdout.write(
            f"{connection.vendor}, {Referral.objects.count():,} referrals before, "
            f"a {rows:,}-row {file_format.upper()} return for {chosen.name}"
        )
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            path = write_return(Path(folder) / f"return.{file_format}", chosen, rows)
            self.stdout.write(
                f"generated in {time.perf_counter() - started:.1f} s, "
                f"{path.stat().st_size / 1024 / 1024:.1f} MB"
            )
            run = self._upload(path, chosen, lead, file_format)
        checks = [
            self._timed("check", lambda: runs.return_import_check(run)) for _ in range(repeat)
        ]
        run.refresh_from_db()
        self.stdout.write(
            f"{run.rows_total:,} rows: {run.created:,} to create, {run.updated:,} to update, "
            f"{run.unchanged:,} unchanged, {run.rejected:,} rejected"
        )
        applies = [self._apply(run, lead, keep=keep and n == repeat - 1) for n in range(repeat)]
        self._summary("check", checks, rows)
        self._summary("apply", applies, rows)
        self.stdout.write(f"peak resident memory of the process: {_peak_rss_mb():.0f} MB")

    def _upload(self, path: Path, service, lead, file_format: str) -> ReturnImport:
        with path.open("rb") as stream:
            upload = File(stream, name=path.name)
            run = services.return_import_create(
                by=lead, service=service, upload=upload, file_format=file_format
            )
        return ReturnImport.objects.get(pk=run.pk)

    def _timed(self, label: str, work) -> float:
        if self.trace:
            tracemalloc.start()
        started = time.perf_counter()
        work()
        took = time.perf_counter() - started
        extra = ""
        if self.trace:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            extra = f", Python heap peak {peak / 1024 / 1024:.0f} MB"
        self.stdout.write(f"  {label}: {took:.1f} s (resident peak {_peak_rss_mb():.0f} MB{extra})")
        return took

    def _apply(self, run: ReturnImport, lead, *, keep: bool) -> float:
        run.refresh_from_db()
        run.phase, run.status, run.confirmed_by = ImportPhase.APPLY, ImportStatus.RUNNING, lead
        run.leave_out_rejected = bool(run.rejected)
        took = 0.0
        try:
            with transaction.atomic():
                took = self._timed("apply", lambda: runs.return_import_apply(run))
                if not keep:
                    raise _RolledBack
        except _RolledBack:
            pass
        run.refresh_from_db()
        return took

    def _summary(self, label: str, times: list[float], rows: int) -> None:
        median = statistics.median(times)
        self.stdout.write(
            f"{label}: median {median:.1f} s of {len(times)} "
            f"({rows / median:,.0f} rows a second); each: {', '.join(f'{t:.1f}' for t in times)}"
        )
