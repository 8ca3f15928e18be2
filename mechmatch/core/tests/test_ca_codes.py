from __future__ import annotations

import os
import threading

from mechmatch.core import ca_codes


def test_a_known_code_gives_its_coordinates_community_and_province_code() -> None:
    assert ca_codes.lookup("S0K 1A0") == (52.807, -105.3626, "Crystal Springs", "SK")


def test_an_unknown_code_gives_none() -> None:
    assert ca_codes.lookup("N9A 9Z9") is None
    assert ca_codes.lookup("not a code") is None


def test_the_files_own_territory_spellings_map_to_province_codes() -> None:
    assert ca_codes.region_of("Nunavut Territory") == "NU"
    assert ca_codes.region_of("Northwest Territory") == "NT"
    assert ca_codes.region_of("Quebec") == "QC"
    assert ca_codes.region_of("Atlantis") == ""


def test_each_thread_opens_its_own_connection_and_reuses_it() -> None:
    ca_codes.lookup("M5V 2T6")
    mine = ca_codes._local.connection
    ca_codes.lookup("K1P 1J1")
    assert ca_codes._local.connection is mine
    theirs: list[object] = []

    def work() -> None:
        assert ca_codes.lookup("M5V 2T6") is not None
        theirs.append(ca_codes._local.connection)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not None and theirs[0] is not mine


def test_a_forked_child_does_not_reuse_its_parents_connection(monkeypatch) -> None:
    ca_codes.lookup("M5V 2T6")
    inherited = ca_codes._local.connection
    parent = ca_codes._local.pid
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)
    assert ca_codes.lookup("M5V 2T6") is not None
    assert ca_codes._local.connection is not inherited
