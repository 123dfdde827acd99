"""The interfaces: the HTTP API (FastAPI app, routers) and the `edflows` command line."""
