"""Routes that serve the Neo4j Browser kit (no customer data, readable by any origin)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

__all__ = ["router"]

router = APIRouter()


@router.get("/browser/guide", tags=["browser kit"], response_class=Response)
def browser_guide() -> Response:
    """The Neo4j Browser guide (`:play http://localhost:8000/browser/guide`): the graph
    and the analyst queries, ready to run. No customer data; readable by any origin."""
    from reports.browser import guide_html

    return Response(
        guide_html(), media_type="text/html", headers={"Access-Control-Allow-Origin": "*"}
    )


@router.get("/browser/style.grass", tags=["browser kit"], response_class=Response)
def browser_style() -> Response:
    """The Browser style file: drag it onto the Browser's style panel."""
    from reports.browser import style_grass

    return Response(
        style_grass(), media_type="text/plain", headers={"Access-Control-Allow-Origin": "*"}
    )
