"""Form pieces shared by every page that asks where someone is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The countries mechmatch serves (core.postal normalises every spelling of them to these codes).
COUNTRY_CHOICES = [("CA", _("Canada")), ("US", _("United States"))]
