"""The pages: the explorer drawn with pyvis, templates and self-served static files."""
