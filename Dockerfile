# The Partnership Portal: gunicorn on port 8000, whitenoise serving compressed
# static files, migrations applied on start (see README.md, "Deploying").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (agenda packs, year-review PDFs) and a font to print with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (hashed names, gzip and brotli by
# whitenoise). The secret here exists only for this build step; the running
# container refuses to start without a real SECRET_KEY.
RUN DEBUG=0 SECRET_KEY=build-time-only-not-a-secret python manage.py collectstatic --noinput

# Run as an unprivileged user; uploads go to /app/media unless S3 storage is configured.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/media \
    && chown portal:portal /app/media
USER portal

# Behind a load balancer or nginx, run with TRUSTED_PROXY_COUNT=1 (the number of proxies in front), so that
# sign-in lockouts are per person and not for everyone at the proxy's address; 0 ignores X-Forwarded-For.
ENV DEBUG=0 \
    MEDIA_ROOT=/app/media \
    MIGRATE_ON_START=1 \
    TRUSTED_PROXY_COUNT=0

EXPOSE 8000

# Apply migrations, then serve. With several app servers on one database, set
# MIGRATE_ON_START=0 on them and run `python manage.py migrate --noinput` once per release.
CMD ["sh", "-c", "set -e; if [ \"$MIGRATE_ON_START\" = 1 ]; then python manage.py migrate --noinput; fi; exec gunicorn partnership_portal.wsgi -b 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --timeout 60 --max-requests 1000 --max-requests-jitter 100 --access-logfile -"]
