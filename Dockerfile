# One image for the web app (gunicorn), the Celery worker and Celery beat; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint draws the PDF reports with Pango and HarfBuzz; Liberation gives Arial's metrics.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache
COPY . .

# The manifest of hashed static file names is made here, with production settings. The keys are
# dummies that exist only for this command; the running containers read theirs from secrets.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-only-collectstatic-key-never-used-to-sign-anything-0123456789 \
    IDENTITY_HASH_KEY=build-only-collectstatic-identity-key-unused \
    python manage.py collectstatic --no-input

RUN useradd --system --uid 10001 --home-dir /app --no-create-home app \
    && mkdir -p /app/media \
    && chown app /app/media
USER app

EXPOSE 8000
CMD ["gunicorn", "partnership.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
