import re
from pathlib import Path

from django.conf import settings


def test_every_environment_variable_the_settings_read_is_listed_in_env_example():
    source = Path(settings.BASE_DIR, "mechmatch", "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|int|float|bool|list)\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", Path(settings.BASE_DIR, ".env.example").read_text(), re.M))
    assert read - listed == set()
