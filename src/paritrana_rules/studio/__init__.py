"""The engine over HTTP, for portals, dashboards and the committee's browser (the `studio` extra).

`server` is a Starlette application whose every route calls the public API,
as the command line does, so an answer over HTTP is the command's output byte
for byte (`base` holds what every route stands on, `review` the routes that
review rubric text: example cases and diff); `openapi` describes its routes
from the same table the application is built from; `pages` serves the studio's
pages beside them.
"""
