"""The project's own curated data files (YAML/CSV), every fact with its source."""
