"""One FastAPI router per feature; each turns HTTP into calls of graph services."""
