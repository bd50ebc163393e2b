"""The API keeps the promises of its OpenAPI document: every endpoint's responses match the
response schema, every documented limit is enforced with the documented 400, and values at
the documented bounds are accepted. Parameters and values come from the document itself and
from the demo data, so an endpoint or parameter added to one and not the other fails here."""

import datetime
import re

import pytest
from django.core.management import call_command

from disputes.models import Actor, Dispute, Topic
from disputes.site.tokens import token_create
from tests.factories import ArticleFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


# A validator for the part of JSON Schema (2020-12, as OpenAPI 3.1 uses) the document uses.
def _errors(value, schema, doc, path="$"):
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return _errors(value, doc["components"]["schemas"][name], doc, path)
    found = []
    for part in schema.get("allOf", []):
        found += _errors(value, part, doc, path)
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        kinds = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
                 "object": dict, "null": type(None)}
        if not any(isinstance(value, kinds[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                   for t in types):
            return [f"{path}: {value!r} is not {types}"]
    if value is None:
        return found
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in enum")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{path}: longer than {schema['maxLength']}")
        if schema.get("format") == "date":
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                found.append(f"{path}: {value!r} is not a date")
        if schema.get("format") == "uri" and not re.match(r"^https?://[^\s]+$", value):
            found.append(f"{path}: {value!r} is not a URI")
    if isinstance(value, int) and not isinstance(value, bool):
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            found.append(f"{path}: {value} out of bounds")
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += _errors(item, schema.get("items", {}), doc, f"{path}[{i}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{path}: {key} missing" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                found += _errors(item, properties[key], doc, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: {key} is not documented")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += _errors(item, schema["additionalProperties"], doc, f"{path}.{key}")
    return found


def test_the_validator_catches_what_it_should():
    doc = {"components": {"schemas": {}}}
    schema = {"type": "object", "required": ["a"], "additionalProperties": False,
              "properties": {"a": {"type": "integer", "maximum": 3}, "b": {"type": ["string", "null"], "format": "date"}}}
    assert _errors({"a": 3, "b": None}, schema, doc) == []
    assert len(_errors({"a": 4, "b": "2021-02-30", "c": 1}, schema, doc)) == 3
    assert _errors({"b": "x"}, {"type": "object", "required": ["a"]}, doc) == ["$: a missing"]
    assert _errors(True, {"type": "integer"}, doc)


@pytest.fixture
def api(client):
    call_command("load_demo")
    dispute = Dispute.objects.confirmed().order_by("pk").first()
    article = ArticleFactory(status="extracted", outlet="Example Wire", published=datetime.date(2021, 2, 10))
    EvidenceFactory(dispute=dispute, article=article)
    doc = client.get("/api/openapi.json").json()
    return doc, dispute


def _valid_values(dispute):
    """A value from the demo data for each free-text or slug parameter."""
    return {
        "slug": dispute.slug,
        "dispute": dispute.slug,
        "actor": Actor.objects.filter(party_roles__dispute=dispute).values_list("slug", flat=True).first(),
        "topic": Topic.objects.values_list("slug", flat=True).first() or "no-such-topic",
        "q": dispute.title.split()[0],
        "outlet": "Example Wire",
    }


def _valid(parameter, values):
    schema = parameter["schema"]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "integer":
        return schema.get("minimum", 1)
    if schema.get("format") == "date":
        return "2020-01-01"
    return values[parameter["name"]]


def _invalid(schema):
    """Values the document says are out of range (each should get a 400)."""
    bad = []
    if schema.get("type") == "integer":
        bad += ["many", schema["minimum"] - 1]
        if "maximum" in schema:
            bad.append(schema["maximum"] + 1)
    if "enum" in schema:
        bad.append("no-such-value")
    if "pattern" in schema:
        bad.append("not a slug!")
    if "maxLength" in schema:
        bad.append("a" * (schema["maxLength"] + 1))
    if schema.get("format") == "date":
        bad.append("2021-02-30")
    return bad


def _get(client, path, params=None, **headers):
    response = client.get(f"/api{path}", params or {}, **headers)
    assert response["Content-Type"] == "application/json", (path, params, response.status_code)
    return response.status_code, response.json()


def _schema(doc, path, status):
    return doc["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"]["schema"]


def test_every_endpoint_answers_as_documented_with_each_valid_parameter(client, api):
    doc, dispute = api
    values = _valid_values(dispute)
    checked = 0
    for template, item in doc["paths"].items():
        path_params = {p["name"]: values[p["name"]] for p in item["get"]["parameters"] if p["in"] == "path"}
        path = template.format(**path_params)
        queries = [{}] + [{p["name"]: _valid(p, values)} for p in item["get"]["parameters"] if p["in"] == "query"]
        for query in queries:
            status, body = _get(client, path, query)
            assert status == 200, (path, query, body)
            assert _errors(body, _schema(doc, template, 200), doc) == [], (path, query)
            checked += 1
        # The unfiltered pages carry data, so the item schemas were exercised.
        if "results" in body:
            assert _get(client, path)[1]["results"], path
    assert checked > 40


def test_every_documented_limit_is_refused_with_the_documented_400(client, api):
    doc, dispute = api
    for template, item in doc["paths"].items():
        path = template.format(slug=dispute.slug)
        for parameter in item["get"]["parameters"]:
            if parameter["in"] != "query":
                continue
            for value in _invalid(parameter["schema"]):
                status, body = _get(client, path, {parameter["name"]: value})
                assert status == 400, (path, parameter["name"], value)
                assert _errors(body, _schema(doc, template, 400), doc) == []
                assert parameter["name"] in body["errors"]


def test_the_documented_bounds_themselves_are_accepted(client, api, researcher):
    doc, dispute = api
    paging = {p["name"]: p["schema"] for p in doc["paths"]["/disputes/"]["get"]["parameters"]}
    most, anonymous_most = paging["page_size"]["maximum"], paging["page_size"]["x-maximum-anonymous"]
    assert _get(client, "/disputes/", {"page": paging["page"]["maximum"]})[0] == 200  # the last page
    assert _get(client, "/disputes/", {"page_size": anonymous_most})[0] == 200
    status, body = _get(client, "/disputes/", {"page_size": anonymous_most + 1})
    assert status == 400 and "page_size" in body["errors"]
    assert _errors(body, _schema(doc, "/disputes/", 400), doc) == []
    _, key = token_create(user=researcher, name="contract")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert _get(client, "/disputes/", {"page_size": most}, **bearer)[0] == 200
    assert _get(client, "/disputes/", {"page_size": most + 1}, **bearer)[0] == 400
    client.force_login(researcher)
    assert _get(client, "/actors/", {"page_size": most})[0] == 200
    for name in ("q", "outlet"):
        limit = next(p for p in doc["paths"]["/articles/"]["get"]["parameters"] if p["name"] == name)["schema"]
        assert _get(client, "/articles/", {name: "a" * limit["maxLength"]})[0] == 200


def test_a_slug_outside_the_documented_pattern_is_not_found(client, api):
    doc, dispute = api
    pattern = doc["paths"]["/disputes/{slug}/"]["get"]["parameters"][0]["schema"]["pattern"]
    assert re.search(pattern, dispute.slug)
    assert client.get("/api/disputes/not%20a%20slug/").status_code == 404
