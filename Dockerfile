# SPLP images, one Dockerfile with a target per image; versions from requirements.lock (hashes checked).
#   docker build --target gateway  -t splp-gateway  .
#   docker build --target subgraph -t splp-subgraph .
#   docker run -p 4000:4000 -v $PWD/supergraph.graphql:/srv/supergraph.graphql splp-gateway
#   docker run -p 4001:4001 -e SPLP_SUBGRAPH=kependudukan -e SPLP_DATABASE_URL=postgresql+asyncpg://… splp-subgraph
# The HEALTHCHECK asks the port the container serves on ($PORT), whatever it is set to.

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 splp
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY federation ./federation
COPY subgraphs ./subgraphs
RUN pip install --no-deps . && mkdir -p /srv /var/lib/splp && chown splp /srv /var/lib/splp
ENV SPLP_STATE_DIR=/var/lib/splp
USER 10001

FROM base AS gateway
ENV PORT=4000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD ["sh", "-c", "python -c \"import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/health', timeout=2)\""]
# A shell form so that $PORT is the port given at run time.
CMD ["sh", "-c", "exec splp gateway --supergraph /srv/supergraph.graphql --host 0.0.0.0 --port \"$PORT\""]

FROM base AS subgraph
ENV PORT=4001 SPLP_SUBGRAPH=kependudukan
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD ["sh", "-c", "python -c \"import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/health', timeout=2)\""]
# Each source flag only when its variable is set (perizinan has no database, only an API).
CMD ["sh", "-c", "exec splp subgraph serve \"$SPLP_SUBGRAPH\" --host 0.0.0.0 --port \"$PORT\" ${SPLP_DATABASE_URL:+--database \"$SPLP_DATABASE_URL\"} ${SPLP_BPJS_URL:+--bpjs-url \"$SPLP_BPJS_URL\"} ${SPLP_PERIZINAN_API_URL:+--perizinan-api-url \"$SPLP_PERIZINAN_API_URL\"}"]
