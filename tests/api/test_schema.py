"""The OpenAPI 3 schema the API serves validates against the OpenAPI specification."""

from openapi_spec_validator import validate


def test_the_served_schema_is_valid_openapi_3(anonymous):
    response = anonymous.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    for path in ("/api/v1/units", "/api/v1/cadres", "/api/v1/cadres/bulk", "/api/v1/position-assignments/bulk",
                 "/api/v1/courses", "/api/v1/enrolments", "/api/v1/completions", "/api/v1/certificates",
                 "/api/v1/quiz-results", "/api/v1/external-training/bulk", "/api/v1/targets/{code}/rollup",
                 "/api/v1/targets/{code}/missing", "/api/v1/targets/{code}/snapshots", "/api/v1/tombstones"):
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["ClientTokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_only_local_scripts_and_no_inline_one(anonymous):
    response = anonymous.http.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_every_endpoint_documents_its_errors_as_problem_details(anonymous):
    """RFC 9457: every error answer is application/problem+json; reads document 401/404/422/429, writes
    also 403/409/413; 401 names its WWW-Authenticate header, 429 its Retry-After."""
    schema = anonymous.http.get("/api/v1/openapi.json").json()
    validate(schema)
    problems = {"Problem", "BulkProblem", "ThrottledProblem"}
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 20
    for path, method, operation in operations:
        responses = operation["responses"]
        expected = {"401", "404", "422", "429"} | ({"403", "409", "413"} if method in ("post", "put") else set())
        assert expected <= set(responses), (path, method, sorted(responses))
        for code, response in responses.items():
            if int(code) < 400:
                continue
            assert set(response["content"]) == {"application/problem+json"}, (path, method, code)
            ref = response["content"]["application/problem+json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in problems, (path, method, code, ref)
            assert response["description"] and response["description"] != "Unauthorized"
        assert "WWW-Authenticate" in responses["401"]["headers"]
        assert "Retry-After" in responses["429"]["headers"]
        assert "retry_after" in schema["components"]["schemas"]["ThrottledProblem"]["required"]
    bulk = schema["paths"]["/api/v1/cadres/bulk"]["post"]["responses"]
    assert bulk["409"]["content"]["application/problem+json"]["schema"]["$ref"].endswith("/BulkProblem")
    assert "rows" in schema["components"]["schemas"]["BulkProblem"]["properties"]
