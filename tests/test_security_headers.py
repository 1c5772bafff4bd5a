"""Content-Security-Policy, Referrer-Policy and Permissions-Policy on every response; no inline
event handler, style= attribute or un-nonced inline script in the project's templates."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SITE_DIRECTIVES = {
    "default-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "media-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'",
    "form-action 'self'",
}


def _directives(policy: str) -> set[str]:
    return {part.strip() for part in policy.split(";")}


def _policy(response) -> str:
    return response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/learn/search/?q=a"])
def test_the_site_sends_the_strict_policy_and_the_other_headers(client, path):
    response = client.get(path)
    directives = _directives(_policy(response))
    assert SITE_DIRECTIVES <= directives
    assert [d for d in directives if d.startswith("script-src")][0] in (
        "script-src 'self'", *[d for d in directives if re.fullmatch(r"script-src 'self' 'nonce-[\w+/=]+'", d)])
    assert not [d for d in directives if "unsafe" in d]
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_an_inline_script_runs_only_with_the_nonce_of_its_response(rf):
    from django.template import Context, Template

    from lms.middleware import SecurityHeadersMiddleware

    def view(request):
        from django.http import HttpResponse

        html = Template('<script nonce="{{ request.csp_nonce }}">1</script>').render(Context({"request": request}))
        return HttpResponse(html)

    middleware = SecurityHeadersMiddleware(view)
    responses = [middleware(rf.get("/learn/")) for _ in range(2)]
    nonces = []
    for response in responses:
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"script-src 'self' 'nonce-{nonce}'" in _policy(response)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_admin_gets_the_policy_with_its_documented_exception(client):
    policy = _policy(client.get("/admin/login/"))
    assert "script-src 'self' 'unsafe-inline'" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "nonce-" not in policy
    for directive in ("object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'", "form-action 'self'",
                      "default-src 'self'"):
        assert directive in policy


def _templates():
    for path in ROOT.rglob("*.html"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "staticfiles", "node_modules", "media", "media-test") or "templates" not in parts:
            continue
        yield path


def test_no_template_has_inline_handlers_styles_or_unnonced_scripts():
    offences = []
    for path in _templates():
        text = path.read_text()
        for pattern in (r"\son[a-z]+\s*=\s*[\"']", r"\sstyle\s*=\s*[\"']", r"<style[\s>]"):
            offences += [f"{path}: {m.group(0)}" for m in re.finditer(pattern, text)]
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag:
                offences.append(f"{path}: {tag}")
    assert offences == []
