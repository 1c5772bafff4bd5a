from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.middleware.locale import LocaleMiddleware


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the switcher (the language cookie).

    The browser's Accept-Language is ignored on purpose: office machines in the province often run
    English-language browsers, and the platform's users read Vietnamese first.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class SecurityHeadersMiddleware(CSPMiddleware):
    """Content-Security-Policy (django-csp, CONTENT_SECURITY_POLICY) on every response, with the
    admin's exception (KTLEARN_ADMIN_CSP_UPDATE, see settings) under /admin/, and
    Permissions-Policy. Referrer-Policy comes from SecurityMiddleware (SECURE_REFERRER_POLICY)."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            replace = dict(parts.replace or {})
            replace.update(settings.KTLEARN_ADMIN_CSP_UPDATE)
            parts.replace = replace
            parts.nonce = None
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", settings.KTLEARN_PERMISSIONS_POLICY)
        return response
