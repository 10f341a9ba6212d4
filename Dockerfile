# chuchu (出处) as a container: the Telegram bot by default, any chuchu command otherwise.
#
#   docker build -t chuchu .
#   docker run -d --name chuchu -e CHUCHU_TELEGRAM_TOKEN=... \
#       -v /srv/chuchu/documents:/documents:ro -v chuchu-data:/data chuchu
#
# Documents are read from /documents (read-only is enough); the store (feedback, corrections,
# access grants) and the index cache live in /data, which must be a volume to survive upgrades.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHUCHU_DOCUMENTS_DIR=/documents \
    CHUCHU_DATA_DIR=/data \
    CHUCHU_CACHE_DIR=/data/cache \
    CHUCHU_HEALTH_PORT=8080 \
    CHUCHU_HEALTH_LISTEN=0.0.0.0 \
    CHUCHU_LOG_LEVEL=INFO

# An unprivileged user owns nothing but its data folder.
RUN groupadd --system --gid 10001 chuchu \
    && useradd --system --uid 10001 --gid chuchu --home-dir /data --shell /usr/sbin/nologin chuchu \
    && mkdir -p /app /data /documents \
    && chown chuchu:chuchu /data

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY retrieval ./retrieval
COPY config ./config
RUN pip install --no-compile . && python -c "import bot.cli, retrieval.answer"

USER chuchu
VOLUME ["/data"]
# The health endpoint (GET /healthz); the webhook listener, when used, needs its own port.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"

ENTRYPOINT ["chuchu"]
CMD ["telegram"]
