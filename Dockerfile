# The custgraph image: the CLI and the API server.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph graph
COPY loaders loaders
COPY queries queries
COPY api api
COPY reports reports
COPY cli cli
COPY synthetic synthetic
RUN pip install --no-cache-dir .
RUN useradd --create-home custgraph
USER custgraph
WORKDIR /home/custgraph
EXPOSE 8000
CMD ["custgraph", "--help"]
