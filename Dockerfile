# Production image: one image for web, Celery worker and Celery beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=pmqa_site.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends fonts-thai-tlwg curl postgresql-client \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 1000 pmqa
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN mkdir -p /srv/pmqa/media /srv/pmqa/static && chown -R pmqa /srv/pmqa
USER pmqa
EXPOSE 8000
CMD ["gunicorn", "pmqa_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "60"]
