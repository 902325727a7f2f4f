# huibao: the worker and the Datasette server of docker-compose.yml run this image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HUIBAO_HOME=/data PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY huibao ./huibao
COPY flows ./flows
COPY models ./models
COPY migrations ./migrations
COPY samples ./samples
RUN pip install --no-cache-dir --no-deps . \
    && useradd --create-home --uid 10001 huibao \
    && mkdir -p /data /inbox && chown huibao /data
USER huibao
VOLUME ["/data"]
CMD ["huibao", "--help"]
