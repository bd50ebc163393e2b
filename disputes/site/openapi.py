"""The OpenAPI 3.1 description of /api/, written by hand next to the views.

Its limits are the ones the views' forms enforce (api.py); tests/disputes/test_api_contract.py
checks every endpoint's responses and limits against this document.
"""

from django.conf import settings

from disputes.models import (
    ActorKind,
    DemandType,
    DisputeStatus,
    EventKind,
    OutcomeKind,
    PartyRole,
    PenaltyKind,
    Platform,
    Precision,
)
from disputes.vocab import COUNTRY_CODES

# Django's slug (path converter and SlugField).
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
PAGE_MAX = 1_000_000


def _param(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _enum(values):
    return {"type": "string", "enum": list(values)}


def _slug(max_length):
    return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": max_length}


def _text(max_length):
    return {"type": "string", "maxLength": max_length}


def _object(properties):
    """Every property present, and no other."""
    return {"type": "object", "required": list(properties), "properties": properties,
            "additionalProperties": False}


def _paging():
    anonymous, user = settings.API_PAGE_SIZE_MAX_ANONYMOUS, settings.API_PAGE_SIZE_MAX_USER
    return [
        _param("page", "Page number, from 1; a number past the last page gives the last page.",
               {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}),
        # JSON Schema cannot vary a bound by caller: the extension carries the visitors' one.
        _param("page_size", f"Results per page (default 25; at most {anonymous:,} without signing in, "
                            f"{user:,} with an API token or a session: larger sizes are refused with 400).",
               {"type": "integer", "minimum": 1, "maximum": user, "x-maximum-anonymous": anonymous}),
    ]


DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
COUNTRY = _enum(COUNTRY_CODES)
ACTOR_REF = {**_object({"slug": {"type": "string"}, "name": {"type": "string"}}), "type": ["object", "null"]}
DISPUTE = {
    "slug": {"type": "string"},
    "title": {"type": "string"},
    "country": COUNTRY,
    "status": _enum(DisputeStatus.values),
    "start": NULLABLE_DATE,
    "start_precision": _enum(Precision.values),
    "end": NULLABLE_DATE,
    "end_precision": _enum(Precision.values),
    "summary": {"type": "string"},
    "platforms": {"type": "array", "items": _enum(Platform.values)},
    "url": {"type": "string", "format": "uri"},
    "api_url": {"type": "string", "format": "uri"},
}


def _page_of(ref):
    return _object({
        "count": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "page_size": {"type": "integer", "minimum": 1},
        "next": {"type": ["string", "null"], "format": "uri"},
        "previous": {"type": ["string", "null"], "format": "uri"},
        "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
    })


def _list(summary, ref, params):
    return {
        "get": {
            "summary": summary,
            "parameters": params + _paging(),
            "responses": {
                "200": {"description": "One page of results.",
                        "content": {"application/json": {"schema": _page_of(ref)}}},
                "400": {"description": "A query parameter is invalid.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
            },
        }
    }


def openapi_document(server_url: str) -> dict:
    fact_params = [
        _param("dispute", "Slug of a dispute.", _slug(200)),
        _param("country", "ISO 3166-1 alpha-2 code of the demanding country (or EU).", COUNTRY),
        _param("platform", "Platform targeted in the dispute.", _enum(Platform.values)),
        _param("date_from", "On or after this date.", DATE),
        _param("date_to", "On or before this date.", DATE),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Standoff API",
            "version": "1",
            "description": "Read-only access to confirmed disputes between governments and online platforms: "
            "who demanded what of whom, under which law, with which threat, and what happened. Dates carry "
            "their precision (day, month or year); a vague date is stored on its first day. Signed-in researchers "
            "send `Authorization: Bearer <token>` (tokens from their account page) for larger pages.",
        },
        # Anonymous access works; a token only lifts the limits.
        "security": [{}, {"bearerAuth": []}],
        "servers": [{"url": server_url}],
        "paths": {
            "/disputes/": _list("Confirmed disputes", "Dispute", [
                _param("q", "Full-text search in titles and summaries.", _text(200)),
                _param("country", "Demanding country.", COUNTRY),
                _param("platform", "A targeted platform.", _enum(Platform.values)),
                _param("actor", "Slug of an actor party to the dispute.", _slug(200)),
                _param("demand_type", "Has a demand of this type.", _enum(DemandType.values)),
                _param("outcome", "Has an outcome of this kind.", _enum(OutcomeKind.values)),
                _param("status", "Dispute status.", _enum(DisputeStatus.values)),
                _param("topic", "Topic slug.", _slug(40)),
                _param("date_from", "Started on or after.", DATE),
                _param("date_to", "Started on or before.", DATE),
                _param("sort", "Order.", _enum(["oldest", "title", "country"])),
            ]),
            "/disputes/{slug}/": {
                "get": {
                    "summary": "One confirmed dispute with its parties, demands, outcomes and events",
                    "parameters": [{"name": "slug", "in": "path", "required": True,
                                    "schema": {"type": "string", "pattern": SLUG_PATTERN}}],
                    "responses": {
                        "200": {"description": "The dispute.", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/DisputeDetail"}}}},
                        "404": {"description": "No confirmed dispute has this slug."},
                    },
                }
            },
            "/demands/": _list("Confirmed demands", "Demand", fact_params + [
                _param("demand_type", "Demand type.", _enum(DemandType.values))]),
            "/outcomes/": _list("Confirmed outcomes", "Outcome", fact_params + [
                _param("kind", "Outcome kind.", _enum(OutcomeKind.values))]),
            "/actors/": _list("Actors", "Actor", [
                _param("kind", "Actor kind.", _enum(ActorKind.values)),
                _param("country", "Country.", COUNTRY),
                _param("platform", "Platform code.", _enum(Platform.values)),
            ]),
            "/articles/": _list("Articles with extracted text", "Article", [
                _param("q", "Full-text search in titles and texts.", _text(200)),
                _param("dispute", "Articles cited as evidence in this dispute.", _slug(200)),
                _param("outlet", "Outlet name.", _text(200)),
                _param("published_from", "Published on or after.", DATE),
                _param("published_to", "Published on or before.", DATE),
            ]),
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Errors": _object({"errors": {
                    "type": "object",
                    "description": "The messages for each invalid parameter.",
                    "additionalProperties": {"type": "array", "items": _object(
                        {"message": {"type": "string"}, "code": {"type": "string"}})},
                }}),
                "Dispute": _object(DISPUTE),
                "DisputeDetail": _object({
                    **DISPUTE,
                    "demands": {"type": "array", "items": {"$ref": "#/components/schemas/Demand"}},
                    "outcomes": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
                    "parties": {"type": "array", "items": _object({
                        "role": _enum(PartyRole.values), "slug": {"type": "string"}, "name": {"type": "string"}})},
                    "events": {"type": "array", "items": _object({
                        "id": {"type": "integer"},
                        "date": NULLABLE_DATE,
                        "date_precision": _enum(Precision.values),
                        "kind": _enum(EventKind.values),
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                    })},
                }),
                "Demand": _object({
                    "id": {"type": "integer"},
                    "dispute": {"type": "string"},
                    "country": COUNTRY,
                    "date": NULLABLE_DATE,
                    "date_precision": _enum(Precision.values),
                    "demand_type": _enum(DemandType.values),
                    "made_by": ACTOR_REF,
                    "made_to": ACTOR_REF,
                    "platform": {"type": "string", "description": "The platform of `made_to`, or empty."},
                    "accounts_targeted": {"type": ["integer", "null"]},
                    "items_targeted": {"type": ["integer", "null"]},
                    "legal_basis": {"type": "string"},
                    "deadline": NULLABLE_DATE,
                    "description": {"type": "string"},
                    "penalties": {"type": "array", "items": _object({
                        "kind": _enum(PenaltyKind.values),
                        "amount": {"type": ["string", "null"], "description": "A decimal number, as a string."},
                        "currency": {"type": "string"},
                        "description": {"type": "string"},
                    })},
                }),
                "Outcome": _object({
                    "id": {"type": "integer"},
                    "dispute": {"type": "string"},
                    "country": COUNTRY,
                    "demand": {"type": ["integer", "null"]},
                    "date": NULLABLE_DATE,
                    "date_precision": _enum(Precision.values),
                    "kind": _enum(OutcomeKind.values),
                    "actor": ACTOR_REF,
                    "details": {"type": "string"},
                    "accounts_withheld": {"type": ["integer", "null"]},
                    "fine_amount": {"type": ["string", "null"], "description": "A decimal number, as a string."},
                    "fine_currency": {"type": "string"},
                }),
                "Actor": _object({
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": _enum(ActorKind.values),
                    "country": {"type": "string", "description": "A country code, or empty."},
                    "platform": {"type": "string", "description": "A platform code, or empty."},
                    "parent": {"type": ["string", "null"]},
                    "aliases": {"type": "array", "items": {"type": "string"}},
                    "url": {"type": "string", "format": "uri"},
                }),
                "Article": _object({
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "outlet": {"type": "string"},
                    "url": {"type": "string"},
                    "published": NULLABLE_DATE,
                    "language": {"type": "string"},
                }),
            },
        },
    }
