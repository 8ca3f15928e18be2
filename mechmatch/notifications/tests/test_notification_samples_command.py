from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mechmatch.notifications.models import Kind
from mechmatch.notifications.samples import SAMPLE_CONTEXTS, sample_render
from mechmatch.payments.money import NBSP


def test_every_kind_has_a_sample_so_a_new_kind_without_one_fails():
    assert sorted(SAMPLE_CONTEXTS) == sorted(Kind.values)


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_sample_renders_a_subject_a_body_and_its_link(kind, language):
    sample = sample_render(kind, language)
    assert sample.subject.startswith("[mechmatch] ") and len(sample.subject) > len("[mechmatch] ")
    assert "{" not in sample.subject + sample.text  # no placeholder left unfilled
    assert SAMPLE_CONTEXTS[kind]["path"] in sample.text and SAMPLE_CONTEXTS[kind]["path"] in sample.html


def test_the_command_prints_every_kind_in_french_with_french_amounts():
    out = StringIO()
    call_command("notification_samples", "--language", "fr", stdout=out)
    text = out.getvalue()
    assert all(f"## {kind}\n" in text for kind in Kind.values)
    assert "Bonjour Casey," in text and f"Votre reçu : 29,99{NBSP}$" in text


def test_the_command_prints_english_by_default():
    out = StringIO()
    call_command("notification_samples", stdout=out)
    assert "Subject: [mechmatch] Your receipt: $29.99" in out.getvalue()
    assert "Hello Morgan," in out.getvalue()


def test_the_text_body_is_plain_text_and_the_html_body_is_escaped():
    sample = sample_render(Kind.EXCLUSIVE_OFFER)
    assert '"Check engine light after rain"' in sample.text and "&quot;" not in sample.text
    assert "&quot;Check engine light after rain&quot;" in sample.html
