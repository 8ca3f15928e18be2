from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from mechmatch.video.selectors import ice_has_relay, ice_servers_for

pytestmark = pytest.mark.django_db


def test_without_servers_configured_the_call_uses_host_candidates_only(customer, settings):
    settings.ICE_SERVERS, settings.TURN_SECRET = [], ""
    servers = ice_servers_for(user=customer.user, session_seconds=1800)
    assert servers == [] and not ice_has_relay(servers)


def test_turn_urls_get_a_coturn_credential_that_expires_after_the_session(customer, settings):
    settings.ICE_SERVERS = ["stun:stun.example.test:3478", "turn:turn.example.test:3478?transport=udp"]
    settings.TURN_SECRET, settings.TURN_CREDENTIAL_GRACE_SECONDS = "s3cret", 600
    stun, turn = ice_servers_for(user=customer.user, session_seconds=1800, now=1_000_000)
    assert stun == {"urls": ["stun:stun.example.test:3478"]}
    assert turn["username"] == f"{1_000_000 + 1800 + 600}:u{customer.user.pk}"
    expected = base64.b64encode(hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected and ice_has_relay([stun, turn])


def test_turn_urls_without_a_secret_are_left_out(customer, settings):
    settings.ICE_SERVERS, settings.TURN_SECRET = ["turn:turn.example.test:3478"], ""
    assert ice_servers_for(user=customer.user, session_seconds=None) == []
