"""The web console (控制台): Jinja2 pages for filers, reviewers, operators and the public, with htmx as an
optional enhancement. Mounted by `icpflow.api.app.create_app`; no front-end build step."""
