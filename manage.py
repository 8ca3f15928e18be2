#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mechmatch.settings")
    # manage.py is the local tool: it keeps a generated key in var/ unless given one. The web
    # process a deployment starts (mechmatch/wsgi.py) gets no such default.
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("SECRET_KEY_FILE", os.path.join(os.environ.get("VAR_DIR") or "var", "secret-key"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
