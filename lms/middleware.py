from django.middleware.locale import LocaleMiddleware


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the switcher (the language cookie).

    The browser's Accept-Language is ignored on purpose: office machines in the province often run
    English-language browsers, and the platform's users read Vietnamese first.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
