"""The API's docs page (/api/v1/docs) renders in a real browser from the site's own static files: the
title, the operations and their schemas appear, with no CSP violation, no request leaving the site
and no JavaScript error."""

from .test_csp import WATCH_CSP


def test_the_api_docs_page_renders_its_operations_without_csp_violations(live_server, site, open_page):
    page = open_page()
    page.context.add_init_script(WATCH_CSP)
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:") else None)
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "KTLearn API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector('.opblock-summary-path[data-path="/api/v1/cadres/bulk"]')
    assert page.locator(".opblock").count() >= 15
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == []
    assert elsewhere == []
    assert page.js_errors == []
