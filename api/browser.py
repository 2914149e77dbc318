"""Routes that serve the Neo4j Browser kit (no customer data, readable by any origin)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

__all__ = ["router"]

router = APIRouter()

#: What any origin may do with the kit: read it (the Browser asks first, with a preflight).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Max-Age": "600",
}


@router.options("/browser/{name}", tags=["browser kit"], include_in_schema=False)
def browser_preflight(name: str, request: Request) -> Response:
    """The CORS preflight Neo4j Browser sends before it fetches a guide from another
    origin (``:play http://localhost:8000/browser/guide``): any origin may GET the kit,
    with whatever headers it asks to send.

    >>> from fastapi.testclient import TestClient
    >>> from fastapi import FastAPI
    >>> app = FastAPI(); app.include_router(router)
    >>> r = TestClient(app).options("/browser/guide", headers={"Origin": "http://x:7474"})
    >>> r.status_code, r.headers["access-control-allow-origin"]
    (204, '*')
    """
    asked = request.headers.get("access-control-request-headers")
    headers = {**CORS_HEADERS, **({"Access-Control-Allow-Headers": asked} if asked else {})}
    return Response(status_code=204, headers=headers)


@router.get("/browser/guide", tags=["browser kit"], response_class=Response)
def browser_guide() -> Response:
    """The Neo4j Browser guide (`:play http://localhost:8000/browser/guide`): the graph
    and the analyst queries, ready to run. No customer data; readable by any origin."""
    from graph.browser import guide_html

    return Response(guide_html(), media_type="text/html", headers=CORS_HEADERS)


@router.get("/browser/style.grass", tags=["browser kit"], response_class=Response)
def browser_style() -> Response:
    """The Browser style file: drag it onto the Browser's style panel."""
    from graph.browser import style_grass

    return Response(style_grass(), media_type="text/plain", headers=CORS_HEADERS)
