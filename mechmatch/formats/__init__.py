"""Our date and time formats per language (settings.FORMAT_MODULE_PATH), read by Django's
`date`/`time` filters and `django.utils.formats.date_format`.

Besides overriding Django's own names, each language defines the same extra names (the
weekday forms the scheduling pages need); Django's `get_format` finds any name a format
module defines, so `{{ when|date:"WEEKDAY_DATETIME_FORMAT" }}` works in both languages.
Every language in settings.LANGUAGES needs a module here defining all the extra names."""
