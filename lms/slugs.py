"""ASCII slugs from Vietnamese titles: "Vị trí, chức năng của Đảng" → "vi-tri-chuc-nang-cua-dang".

Django's slugify(allow_unicode=False) drops "đ"/"Đ" (they do not decompose) and Wagtail's editor
script strips every Vietnamese vowel its downcode maps lack (ạ, ả, ầ, …), so both sides get help:
`ascii_slug` on the server, and `VIETNAMESE_FORMATTERS` (regex → letter, applied by Wagtail's
w-slug controller before it slugifies) in the editor. settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False.
"""

import re
import unicodedata

from django.utils.text import slugify
from wagtail.admin.widgets import SlugInput

_VOWELS = {
    "a": "àáạảãâầấậẩẫăằắặẳẵ",
    "e": "èéẹẻẽêềếệểễ",
    "i": "ìíịỉĩ",
    "o": "òóọỏõôồốộổỗơờớợởỡ",
    "u": "ùúụủũưừứựửữ",
    "y": "ỳýỵỷỹ",
    "d": "đ",
}

# For wagtail.admin.widgets.SlugInput(formatters=...): (pattern, replacement, flags), lower and upper case.
VIETNAMESE_FORMATTERS = [
    (f"[{letters}{letters.upper()}]", plain, "gu") for plain, letters in _VOWELS.items()
]

_TABLE = str.maketrans({ch: plain for plain, letters in _VOWELS.items() for ch in letters + letters.upper()})


def ascii_text(text: str) -> str:
    """The text with Vietnamese letters replaced by their plain ASCII letter (case folded to lower)."""
    text = unicodedata.normalize("NFC", text or "").lower().translate(_TABLE)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def ascii_slug(text: str, max_length: int = 255) -> str:
    """A lower-case ASCII slug ("vi-tri-chuc-nang"), cut at a hyphen within max_length."""
    slug = slugify(ascii_text(text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug


def is_ascii_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[-a-zA-Z0-9_]*", slug or ""))


class VietnameseSlugInput(SlugInput):
    """Wagtail's slug widget, folding Vietnamese letters before it slugifies (registered for every SlugField)."""

    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs=attrs, formatters=formatters or VIETNAMESE_FORMATTERS, locale=locale)
