"""The subgraph's GraphiQL, served offline from the gateway's bundled assets (federation/http/static).

A subgraph runs on an OPD's own network, often with no internet: a page loading React from a
CDN would be blank there. This page loads React, ReactDOM and GraphiQL from the subgraph
itself (`/graphiql/assets/…`, the same files the gateway serves) and nothing from elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, Response

import federation.http

STATIC: Final = Path(federation.http.__file__).parent / "static"
# The files a subgraph's page needs, with their media types; nothing else is served.
ASSETS: Final = {
    "graphiql.min.js": "text/javascript",
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
}


def page(title: str) -> str:
    """GraphiQL for one subgraph, querying the URL it is served at."""
    return f"""<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{title} · SPLP subgraph GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script>
ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, {{
  fetcher: GraphiQL.createFetcher({{ url: window.location.pathname }}), defaultEditorToolsVisibility: true,
}}));
</script>
</body>
</html>
"""


def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS or not (STATIC / name).is_file():
        return Response("not found", status_code=404)
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers={"cache-control": "public, max-age=86400"})


__all__ = ["ASSETS", "asset", "page"]
