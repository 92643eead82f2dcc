FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# PDF export: Typst (typst-py, no system library) typesets with these fonts (the emoji font
# too); the worker draws mermaid diagrams in headless Chromium, driven by Playwright (which
# must not download a browser of its own: planhub/lib/chromium.py launches CHROMIUM_PATH).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       fonts-dejavu-core fonts-liberation fonts-noto-color-emoji chromium \
    && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

COPY pyproject.toml README.md ./
COPY planhub ./planhub
RUN pip install .
COPY . .

RUN useradd --system --home /app planhub && chown -R planhub /app
USER planhub

ENV STATIC_MANIFEST=1
EXPOSE 8000
# planhub/asgi.py (pages, static files, WebSockets) under uvicorn alone, WEB_CONCURRENCY worker
# processes (docs/asgi-server.md: measured against gunicorn with uvicorn workers). The client
# address is the peer's: the app reads X-Forwarded-For itself, from TRUSTED_PROXIES only.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py collectstatic --noinput --verbosity 0 && exec uvicorn planhub.asgi:application --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-3} --no-proxy-headers --no-access-log --lifespan off --timeout-graceful-shutdown 20"]
