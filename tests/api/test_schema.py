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
