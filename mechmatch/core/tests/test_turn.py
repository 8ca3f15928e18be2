import pytest

from mechmatch.core.turn import turn_credential_mint


def test_the_credential_matches_coturns_shared_secret_scheme():
    # Reference computed independently with:
    #   printf '%s' 1700000600:42 | openssl dgst -sha1 -hmac north -binary | base64
    minted = turn_credential_mint("north", "42", now=1_700_000_000, ttl_seconds=600)
    assert minted.username == "1700000600:42"
    assert minted.credential == "c8I0lj+p3rCkviOWydupNEuAt5Q="
    assert minted.expires_at == 1_700_000_600


def test_a_different_secret_gives_a_different_credential():
    one = turn_credential_mint("north", "42", now=0, ttl_seconds=60)
    other = turn_credential_mint("south", "42", now=0, ttl_seconds=60)
    assert one.username == other.username
    assert one.credential != other.credential


@pytest.mark.parametrize("ttl", [0, -5])
def test_a_non_positive_lifetime_is_refused(ttl):
    with pytest.raises(ValueError, match="ttl_seconds"):
        turn_credential_mint("north", "42", now=0, ttl_seconds=ttl)


def test_an_empty_secret_is_refused():
    with pytest.raises(ValueError, match="secret"):
        turn_credential_mint("", "42", now=0, ttl_seconds=60)
