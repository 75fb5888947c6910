"""`bomtrace serve`: the web app over the same library as the CLI.

    settings.py    data folder, token, limits, catalog factory
    store.py       SQLite (WAL) cases, analysis versions, decisions, audit log; migrations.py its schema
    files.py       originals by content hash, analysis outputs by case and version
    uploads.py     upload checks before anything is stored
    worker.py      background analyses, picked up again after a crash
    library.py     the seam to the library: pipeline, review decisions, report writers
    service.py     every action, shared by pages and API
    security.py    host, origin, size, token, session and CSRF checks
    api.py         the JSON API; pages.py, pages_review.py the HTML pages; app.py puts them together
    server.py      address and token checks, uvicorn

Importing this package does not import the web stack; `bomtrace.web.app` does.
"""
