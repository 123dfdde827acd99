# The edflows API and pages, for docker-compose.yml (Neo4j runs in its own container).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api api
COPY graph graph
COPY cypher cypher
COPY loaders loaders
COPY web web
COPY bench bench
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["edflows", "serve", "--host", "0.0.0.0", "--port", "8000"]
