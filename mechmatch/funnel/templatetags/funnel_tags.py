from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def page_load_beacon(context: dict[str, Any], page: str) -> SafeString:
    """The script that reports this page view's load time once (static/funnel/page-load.js),
    with a fresh view id so a replayed beacon stores nothing new."""
    request = context["request"]
    return format_html(
        '<script src="{}" defer data-beacon-url="{}" data-page="{}" data-view="{}" data-csrf="{}"></script>',
        static("funnel/page-load.js"),
        reverse("funnel_beacon:page_load"),
        page,
        uuid.uuid4().hex,
        get_token(request),
    )
