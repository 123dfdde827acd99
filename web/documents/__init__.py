"""Documents rendered from graph results: the notices, the record of processing, the release
report and the graph's file exports (GraphML, CSV, JSON).

Nothing here queries: each module takes what a `graph` service built (a `Notice`, `RopaRow`s, a
`ReleaseReport`, an export dict) and writes it as HTML, Markdown, PDF, CSV, XLSX or GraphML.
"""
