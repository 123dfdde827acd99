"""Loaders: read a source file, validate rows into records, hand batches to the graph writer."""
