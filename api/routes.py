"""The ``/v1`` routes. Each is a thin shell: check the caller's role, call one function of
``graph`` (no queries, no algorithms here), mask what the role may not see, audit PII reads.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from api.audit import AuditLog
from api.deps import AuditDep, ForbiddenError, SettingsDep, StoreDep, require
from api.examples import (
    ATTRIBUTION_EXAMPLE,
    COMMUNITY_EXAMPLE,
    ERASURE_EXAMPLE,
    IDENTITY_EXAMPLE,
    INFLUENCERS_EXAMPLE,
    JOURNEY_EXAMPLE,
    NEIGHBORHOOD_EXAMPLE,
    PROBLEMS,
    PROFILE_EXAMPLE,
)
from api.models import (
    AttributionPage,
    Community,
    CytoscapeNeighborhood,
    Erasure,
    IdentityDetail,
    InfluencersPage,
    Neighborhood,
    PersonJourneys,
    ProfileDocument,
)
from graph.access import Principal
from graph.errors import NotFoundError
from graph.journeys.attribution import Model
from graph.journeys.job import JourneyParams, attribution_page, person_journey
from graph.lookup import (
    MAX_NODES,
    community_detail,
    find_person,
    identity_detail,
    influencers_page,
    neighborhood,
)
from graph.model import record_uid
from graph.privacy import erase_record, mask_document
from graph.profiles.document import profile_document

__all__ = ["router"]

router = APIRouter(prefix="/v1")


def _json(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": example}}}, **PROBLEMS}


def _profile_response(
    doc: dict[str, Any], who: Principal, audit: AuditLog, if_none_match: str | None
) -> Response:
    if who.allows("pii"):
        audit.write(who=who.name, role=who.role, action="read-profile", target=doc["personId"])
        body = doc
    else:
        body = mask_document(doc)
    # through the model: only the documented fields can reach the response
    typed = ProfileDocument.model_validate(body).model_dump(by_alias=True, mode="json")
    text = json.dumps(typed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        text,
        media_type="application/json",
        headers={"ETag": etag, "Cache-Control": "private, no-cache"},
    )


Reader = Annotated[Principal, Depends(require("reader"))]
Admin = Annotated[Principal, Depends(require("admin"))]


@router.get(
    "/profiles/lookup",
    tags=["profiles"],
    responses=_json(PROFILE_EXAMPLE),
    response_model=ProfileDocument,
    summary="Find a person by record, e-mail or phone",
)
def lookup_profile(
    store: StoreDep,
    settings: SettingsDep,
    audit: AuditDep,
    who: Reader,
    source: Annotated[str | None, Query(max_length=64, examples=["crm"])] = None,
    id: Annotated[str | None, Query(max_length=128, examples=["C00001234"])] = None,
    email: Annotated[str | None, Query(max_length=320, examples=["ann@example.com"])] = None,
    phone: Annotated[str | None, Query(max_length=64, examples=["+1 415 555 0132"])] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The profile of the person a record (`source` + `id`), an e-mail or a phone belongs to.

    Inputs are normalised the way the loaders normalise them (e-mail lower-cased, phone to
    E.164 in the default region). Give exactly one way to look up. A look-up by e-mail or
    phone needs the `pii` role (it would tell a reader whether an address is a customer and
    recover a masked number); every look-up is audited with the person found, never the
    value asked for.
    """
    by = "record" if source or id else "email" if email else "phone" if phone else "record"
    if by != "record" and not who.allows("pii"):
        audit.write(
            who=who.name, role=who.role, action=f"lookup-{by}", target="-", outcome="denied"
        )
        raise ForbiddenError(
            f"a look-up by {by} needs the pii role (the key has {who.role}); look up by "
            "source and id instead"
        )
    try:
        person = find_person(
            store,
            source=source,
            source_customer_id=id,
            email=email,
            phone=phone,
            region=settings.default_region,
        )
    except NotFoundError:
        audit.write(
            who=who.name, role=who.role, action=f"lookup-{by}", target="-", outcome="not found"
        )
        raise
    audit.write(who=who.name, role=who.role, action=f"lookup-{by}", target=person)
    return _profile_response(profile_document(store, person), who, audit, if_none_match)


@router.get(
    "/profiles/{personId}",
    tags=["profiles"],
    responses={**_json(PROFILE_EXAMPLE), 304: {"description": "not modified (ETag)"}},
    response_model=ProfileDocument,
    summary="A person's profile document",
)
def get_profile(
    store: StoreDep,
    audit: AuditDep,
    who: Reader,
    person_id: Annotated[str, Path(alias="personId", min_length=1, max_length=64)],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Identity, demographics (masked for `reader`), value, churn, segment, preferences,
    tags, influence and community; every part says which run computed it and when. Sends an
    `ETag`; `If-None-Match` with it answers 304."""
    doc = profile_document(store, person_id)
    return _profile_response(doc, who, audit, if_none_match)


@router.get(
    "/profiles/{personId}/neighborhood",
    tags=["graph"],
    responses={
        **_json(NEIGHBORHOOD_EXAMPLE),
        200: {
            "content": {
                "application/json": {"example": NEIGHBORHOOD_EXAMPLE},
                "application/graphml+xml": {},
            }
        },
    },
    summary="Persons around a person",
    response_model=Neighborhood | CytoscapeNeighborhood,
)
def get_neighborhood(
    store: StoreDep,
    who: Reader,
    person_id: Annotated[str, Path(alias="personId", min_length=1, max_length=64)],
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    rel: Annotated[
        list[Literal["REFERRED", "FOLLOWS", "FRIENDS_WITH", "INTERACTS_WITH"]] | None,
        Query(description="relationship types to follow (repeat for several); default all"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_NODES)] = 200,
    format: Annotated[
        Literal["json", "cytoscape", "graphml"], Query(description="response format")
    ] = "json",
) -> Response:
    """Persons within `depth` hops over person-level referral and social links, nearest
    first, at most `limit` nodes (`truncated` says when the cap was hit). No PII."""
    result = neighborhood(
        store, person_id, depth=depth, rels=list(rel) if rel else None, limit=limit
    )
    if format == "graphml":
        return Response(result.as_graphml(), media_type="application/graphml+xml")
    typed: Neighborhood | CytoscapeNeighborhood = (
        CytoscapeNeighborhood.model_validate(
            {**result.as_cytoscape(), "truncated": result.truncated}
        )
        if format == "cytoscape"
        else Neighborhood.model_validate(result.as_json())
    )
    # serialised by pydantic-core straight to JSON: a 200-node neighborhood is ~80 KB, and
    # dumping to Python objects first and then through json.dumps cost 0.6 ms more a request
    return Response(typed.model_dump_json(by_alias=True), media_type="application/json")


@router.get(
    "/profiles/{personId}/identity",
    tags=["profiles"],
    responses=_json(IDENTITY_EXAMPLE),
    summary="A person's records and why they merged",
)
def get_identity(
    store: StoreDep,
    who: Reader,
    person_id: Annotated[str, Path(alias="personId", min_length=1, max_length=64)],
) -> IdentityDetail:
    """The member records (source, id, confidence) and the matches between them: rule, score
    and per-field evidence in bits (levels, never values)."""
    return IdentityDetail.model_validate(identity_detail(store, person_id))


@router.get(
    "/profiles/{personId}/journey",
    tags=["journeys"],
    responses=_json(JOURNEY_EXAMPLE),
    summary="A person's journeys to purchase",
)
def get_journey(
    store: StoreDep,
    who: Reader,
    person_id: Annotated[str, Path(alias="personId", min_length=1, max_length=64)],
    lookback_days: Annotated[int, Query(alias="lookbackDays", ge=1, le=365)] = 30,
) -> PersonJourneys:
    """The person's journeys across all of their records, now: each with its touchpoints in
    time order (record, channel, time, event — no PII), the order it led to or whether it
    is still open; and the behaviour part the last journeys run stored."""
    params = JourneyParams(lookback_days=lookback_days)
    return PersonJourneys.model_validate(person_journey(store, person_id, params))


@router.get(
    "/attribution",
    tags=["journeys"],
    responses=_json(ATTRIBUTION_EXAMPLE),
    summary="Conversions and revenue credited to channels",
)
def get_attribution(
    store: StoreDep,
    who: Reader,
    model: Annotated[
        Model | None, Query(description="one model; every model when left out")
    ] = None,
) -> AttributionPage:
    """The last journeys run's credits per channel: conversions, revenue and share, for one
    attribution model or all seven side by side."""
    return AttributionPage.model_validate(attribution_page(store, model))


@router.get(
    "/influencers",
    tags=["influence"],
    responses=_json(INFLUENCERS_EXAMPLE),
    summary="Persons by influence rank",
)
def get_influencers(
    store: StoreDep,
    who: Reader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    community: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=256)] = None,
) -> InfluencersPage:
    """A page of persons by rank with the parts of their score. Pass `nextCursor` back as
    `cursor` for the next page; it is null on the last one."""
    page = influencers_page(store, limit=limit, community=community, cursor=cursor)
    return InfluencersPage.model_validate(page)


@router.get(
    "/communities/{communityId}",
    tags=["influence"],
    responses=_json(COMMUNITY_EXAMPLE),
    summary="One community",
)
def get_community(
    store: StoreDep,
    who: Reader,
    community_id: Annotated[str, Path(alias="communityId", min_length=1, max_length=64)],
) -> Community:
    """Size, density, share of modularity, revenue, churn rate, dominant channel and top
    influencers."""
    return Community.model_validate(community_detail(store, community_id))


@router.delete(
    "/customers/{source}/{id:path}",
    tags=["privacy"],
    responses=_json(ERASURE_EXAMPLE),
    summary="Erase a record (right to be forgotten)",
)
def delete_customer(
    store: StoreDep,
    audit: AuditDep,
    who: Admin,
    source: Annotated[str, Path(min_length=1, max_length=64)],
    id: Annotated[str, Path(min_length=1, max_length=128)],
) -> Erasure:
    """Remove the record's PII, identifiers, orders and links; re-resolve its person from
    the remaining records; leave a tombstone so a later load of the record is suppressed and
    reported. Idempotent: erasing again answers `alreadyErased: true`. Needs `admin`. An id
    may contain `/` (written as it is, or encoded as `%2F`)."""
    uid = record_uid(source, id)
    result = erase_record(store, uid, by=who.name)
    audit.write(who=who.name, role=who.role, action="erase", target=uid)
    return Erasure(
        record=uid,
        already_erased=result.already_erased,
        person_id=result.person_id,
        person_removed=result.person_removed,
        persons_after=result.persons_after,
    )
