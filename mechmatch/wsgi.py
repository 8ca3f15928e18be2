import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mechmatch.settings")
application = get_wsgi_application()

# Where a deployment starts: refuse to serve without a secret key rather than fail on the
# first sign-in (settings leave it empty instead of guessing one).
try:
    settings.SECRET_KEY  # noqa: B018 - Django raises when it is empty
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production set SECRET_KEY to 50 or more random characters; on a "
        "single machine set SECRET_KEY_FILE=var/secret-key to generate one there and keep it (make run does)."
    ) from exc
