# One image for web (gunicorn), worker and beat (celery) and the one-shot migrate job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=protection.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

# WeasyPrint (letters as PDF) needs Pango and HarfBuzz's subsetter; fonts for the PDFs;
# gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install -r requirements.lock

# The code stays owned by root (read-only to the app user); only var/ is writable.
COPY . .

# Production settings refuse to load without their secrets. These throwaway values exist only
# for this RUN line (nothing is connected to) and are not kept in the image's environment.
RUN DJANGO_SECRET_KEY=build-only-placeholder-never-used-at-runtime-0123456789abcdef \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    EMAIL_HOST=localhost \
    sh -c 'python manage.py compilemessages --ignore=var --ignore=.git \
        && python manage.py collectstatic --noinput' \
 && mkdir -p /app/var/media \
 && chown -R app:app /app/var

# /app/var/media is a volume in docker-compose.yml; a new named volume copies this ownership.
USER app

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn protection.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
