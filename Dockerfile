# SPLP gateway and OPD subgraphs in one image.
#   docker build -t splp .
#   docker run -p 4000:4000 -v $PWD/supergraph.graphql:/srv/supergraph.graphql splp \
#       splp gateway --supergraph /srv/supergraph.graphql --host 0.0.0.0 --port 4000
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 splp
WORKDIR /app
COPY pyproject.toml README.md ./
COPY federation ./federation
COPY subgraphs ./subgraphs
RUN pip install --no-cache-dir . && chown -R splp /app
USER splp

EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4000/health')"
CMD ["splp", "gateway", "--supergraph", "/srv/supergraph.graphql", "--host", "0.0.0.0", "--port", "4000"]
