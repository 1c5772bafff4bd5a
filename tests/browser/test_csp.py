"""The Content-Security-Policy holds in a real browser: the main pages of each role load with no
CSP violation (no inline script or handler refused, no style or resource from elsewhere) and no
JavaScript error."""

import pytest

from organization import roles
from tests.factories import CadreFactory, UserFactory, add_unit, make_manager, unit_tree_root

from .conftest import log_in

PASSWORD = "pw-Secret-123"

# Records every violation the page reports, before any script of the page runs.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || 'inline'} ${e.sourceFile || ''}`);
});
"""

PAGES = {
    "anonymous": ["/", "/accounts/login/", "/accounts/password/reset/", "/learn/search/?q=gi%C3%A1m+s%C3%A1t",
                  "/learn/catalogue/"],
    "cadre": ["/", "/learn/", "/org/me/", "/learn/search/?q=ki%E1%BB%83m+tra", "/accounts/password/",
              "/learn/catalogue/?q=ki%E1%BB%83m+tra", "/learn/notices/", "/learn/calendar/"],
    "manager": ["/org/cadres/", "/org/logins/", "/org/rotations/", "/admin/"],
    "board": ["/board/", "/org/cadres/", "/admin/reports/site-history/"],
    "trainer": ["/admin/", "/admin/pages/", "/admin/snippets/"],
    "administrator": ["/admin/", "/admin/users/", "/admin/reports/site-history/"],
}


@pytest.fixture
def people(site):
    province = unit_tree_root()
    body = add_unit(province, "B1")
    make_manager(body, username="manager")
    cadre_user = UserFactory(username="cadre", role=roles.CADRE)
    CadreFactory(user=cadre_user, unit=body)
    UserFactory(username="board", role=roles.BOARD)
    UserFactory(username="trainer", role=roles.TRAINER)
    UserFactory(username="administrator", role=roles.ADMINISTRATOR)


@pytest.mark.parametrize("who", list(PAGES))
def test_the_main_pages_of_each_role_load_without_a_csp_violation(live_server, people, open_page, who):
    page = open_page()
    console_refusals = []
    page.on("console", lambda msg: console_refusals.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    page.context.add_init_script(WATCH_CSP)
    if who != "anonymous":
        log_in(page, live_server.url, who, PASSWORD)
    seen = {}
    for path in PAGES[who]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        assert "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__cspViolations")
    assert {path: found for path, found in seen.items() if found} == {}
    assert console_refusals == []
    assert page.js_errors == []


def test_the_policy_refuses_an_inline_script_and_the_watch_sees_it(live_server, site, open_page):
    """The check above can fail: an inline script added to a public page is refused and reported."""
    page = open_page()
    page.context.add_init_script(WATCH_CSP)
    page.goto(f"{live_server.url}/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in page.evaluate("window.__cspViolations"))
