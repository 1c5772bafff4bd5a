"""`{% memo "name" flag… %}…{% endmemo %}`: a fragment rendered once per process for each combination of
the flags (true or false) and the language, then served from memory.

For the parts of the site's frame that are the same for everyone with the same roles: the navbar's
menus, the stylesheet and script links (hashed static URLs). What a fragment shows must depend only
on the flags named and the active language; never put a CSRF token, a user's name, the request's
path or a count inside one. The flags' truth values are the cache key: `{% memo "nav"
user.is_authenticated is_board %}`. At most MAX_ENTRIES fragments are kept, the oldest dropped first.
"""

import threading

from django import template
from django.test.signals import setting_changed
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

MAX_ENTRIES = 500
_fragments: dict = {}
_lock = threading.Lock()


class MemoNode(template.Node):
    def __init__(self, name, flags, nodelist):
        self.name = name
        self.flags = flags
        self.nodelist = nodelist

    def render(self, context):
        key = (self.name.resolve(context), translation.get_language(),
               *(bool(flag.resolve(context)) for flag in self.flags))
        html = _fragments.get(key)
        if html is None:
            html = self.nodelist.render(context)
            with _lock:
                _fragments[key] = html
                while len(_fragments) > MAX_ENTRIES:
                    _fragments.pop(next(iter(_fragments)))
        return mark_safe(html)  # noqa: S308 - the fragment's own rendered template output


@register.tag
def memo(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memo %} needs a name: {% memo \"nav\" flag… %}")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


def clear():
    """Forget every fragment (tests that change templates or settings)."""
    with _lock:
        _fragments.clear()


def _settings_changed(**kwargs):
    clear()  # a test that overrides settings (static files, languages…) renders the frame anew


setting_changed.connect(_settings_changed)
