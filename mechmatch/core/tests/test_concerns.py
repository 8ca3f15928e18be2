from __future__ import annotations

import pytest

from mechmatch.core.concerns import ConcernAnalysis, analyse_concern, extract_keywords
from mechmatch.core.taxonomy import SLUG_ORDER


# --- the substring bugs of the old platform --------------------------------------------------
def test_ac_does_not_fire_on_back_or_black() -> None:
    assert extract_keywords("The back door of my black car rattles") == []


def test_ac_does_not_fire_on_accord_or_practical() -> None:
    assert extract_keywords("A practical Honda Accord for the family") == []


def test_ac_fires_as_a_whole_token_and_as_a_slash_c() -> None:
    assert extract_keywords("AC not cold") == ["hvac"]
    assert extract_keywords("my A/C stopped working") == ["hvac"]
    assert extract_keywords("a / c blows warm") == ["hvac"]


def test_cel_does_not_fire_on_cancel_or_excellent() -> None:
    assert extract_keywords("Excellent work, but I need to cancel") == []


def test_cel_mil_and_ses_light_mean_check_engine_light() -> None:
    for text in ("CEL on", "MIL is lit", "SES light came on", "service engine soon"):
        assert extract_keywords(text) == ["check_engine_light"], text


def test_alarming_noise_is_not_an_alarm_installation() -> None:
    assert extract_keywords("I hear an alarming noise") == []
    assert extract_keywords("alarming sound from the back") == []
    assert extract_keywords("my car alarm keeps going off") == ["alarm"]


# --- greetings and noise ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "hi", "hello there", "bonjour", "thanks", "???", "Merci!", None])
def test_greetings_and_noise_map_to_nothing(text: str | None) -> None:
    assert extract_keywords(text) == []


# --- tokenisation ------------------------------------------------------------------------------
def test_multi_word_phrases_match_on_tokens_not_substrings() -> None:
    # "check engine light" must not also count as a generic engine job.
    assert extract_keywords("check engine light is on") == ["check_engine_light"]
    # "remote starter" must not also count as a failing starter motor.
    assert extract_keywords("install a remote starter") == ["remote_starter"]


def test_phrases_survive_punctuation_and_case() -> None:
    assert extract_keywords("CHECK-ENGINE light!!!") == ["check_engine_light"]


def test_keywords_are_in_taxonomy_order_and_deduplicated() -> None:
    keywords = extract_keywords("tires, brakes, brakes again, and the check engine light")
    assert keywords == ["check_engine_light", "brakes", "tires"]
    assert keywords == sorted(keywords, key=SLUG_ORDER.__getitem__)


# --- French (Québec) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon voyant moteur est allumé", ["check_engine_light"]),
        ("mes freins grincent", ["brakes"]),
        ("la batterie est morte", ["battery_starting"]),
        ("ça démarre pas", ["battery_starting"]),
        ("ca demarre pas", ["battery_starting"]),
        ("pneus d'hiver", ["tires"]),
        ("bruit de suspension", ["suspension"]),
        ("fuite d'huile", ["engine"]),
        ("transmission qui glisse", ["transmission"]),
        ("le chauffage marche pas", ["hvac"]),
        ("l'air climatisé souffle chaud", ["hvac"]),
        ("démarreur à distance", ["remote_starter"]),
        ("caméra de recul", ["backup_camera"]),
        ("un antivol", ["alarm"]),
        ("inspection avant achat", ["pre_purchase_inspection"]),
    ],
)
def test_quebec_french_concerns(text: str, expected: list[str]) -> None:
    assert extract_keywords(text) == expected


def test_french_starter_alone_is_the_starter_motor_not_a_remote_starter() -> None:
    assert extract_keywords("le démarreur fait juste cliquer") == ["battery_starting"]


def test_language_is_guessed_from_function_words() -> None:
    assert analyse_concern("Mon char fait un bruit quand je freine").language == "fr"
    assert analyse_concern("My car makes a noise when I brake").language == "en"


# --- typos ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my breaks squeal", ["brakes"]),
        ("need new break pads", ["brakes"]),
        ("transmision slipping", ["transmission"]),
        ("transmition fluid", ["transmission"]),
        ("suspention noise", ["suspension"]),
        ("alternater died", ["battery_starting"]),
        ("exaust is loud", ["exhaust"]),
        ("supension clunks", ["suspension"]),  # fuzzy, not in the table: distance 1, 9 letters
        ("thermostatt stuck", ["cooling"]),  # fuzzy: distance 1
        ("catalyticc convertor", ["exhaust"]),  # fuzzy: distance 1 and 2 on long tokens
    ],
)
def test_common_misspellings_are_tolerated(text: str, expected: list[str]) -> None:
    assert extract_keywords(text) == expected


def test_short_tokens_are_never_fuzzy_matched() -> None:
    # "cab", "tir", "clim" and "abs" are near vocabulary words but too short to trust.
    assert extract_keywords("cab tir clip absolutely") == []
    assert extract_keywords("tire") == ["tires"]
    assert extract_keywords("tirs") == ["tires"]  # explicit table entry, not fuzz


def test_real_words_near_vocabulary_are_not_corrected() -> None:
    # started~starter, muffled~muffler, filler~filter, heading~heating, condition~conditioner.
    text = "it started sounding muffled, used body filler, heading home, good condition"
    assert extract_keywords(text) == []


def test_break_idioms_are_not_brakes() -> None:
    assert extract_keywords("the engine is in its break-in period") == ["engine"]
    assert extract_keywords("let me take a break") == []
    assert extract_keywords("trying to break even") == []
    assert extract_keywords("my car breaks down every winter") == []


def test_tire_as_a_verb_is_not_tires() -> None:
    assert extract_keywords("I tire of dealers") == []
    assert extract_keywords("I'm tired of this") == []


# --- slang ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("won't crank", ["battery_starting"]),
        ("wont start", ["battery_starting"]),
        ("won’t start", ["battery_starting"]),  # typographic apostrophe
        ("no crank", ["battery_starting"]),
        ("dead battery", ["battery_starting"]),
        ("tranny slipping", ["transmission"]),
        ("TPMS light", ["tires"]),
    ],
)
def test_slang(text: str, expected: list[str]) -> None:
    assert extract_keywords(text) == expected


def test_cat_needs_converter_context() -> None:
    assert extract_keywords("my cat sleeps on the hood") == []
    assert extract_keywords("cat converter rattles") == ["exhaust"]


# --- DTC codes ----------------------------------------------------------------------------------
def test_catalyst_codes_mean_exhaust_and_check_engine_light() -> None:
    analysis = analyse_concern("codes P0420 and p0430")
    assert analysis.dtc_codes == ["P0420", "P0430"]
    assert analysis.keywords == ["check_engine_light", "exhaust"]


def test_misfire_codes_mean_engine_and_spark_plugs() -> None:
    assert extract_keywords("P0303") == ["check_engine_light", "engine", "spark_plugs"]


def test_fuel_trim_codes_mean_fuel_system() -> None:
    assert extract_keywords("P0171 lean") == ["check_engine_light", "fuel_system"]


def test_transmission_codes_mean_transmission() -> None:
    assert extract_keywords("P0700") == ["check_engine_light", "transmission"]


def test_chassis_body_and_network_codes() -> None:
    assert extract_keywords("C0035") == ["abs_warning"]
    assert extract_keywords("B0012") == ["airbag_light"]
    assert extract_keywords("U0100") == ["electrical"]


def test_any_powertrain_code_lights_the_check_engine_light() -> None:
    assert "check_engine_light" in extract_keywords("got P0600")


def test_codes_must_be_word_bounded_and_well_formed() -> None:
    # Part numbers and postal codes are not DTCs.
    assert analyse_concern("part XP04201 and H2X 1Y4 and P04").dtc_codes == []
    assert analyse_concern("P0420.").dtc_codes == ["P0420"]


# --- brand-specific services ----------------------------------------------------------------------
def test_bmw_coding_needs_both_the_brand_and_coding_intent() -> None:
    assert extract_keywords("code my BMW") == ["bmw_coding"]
    assert extract_keywords("BMW coding to enable features") == ["bmw_coding"]
    assert extract_keywords("my bimmer needs coding after a retrofit") == ["bmw_coding"]
    assert extract_keywords("my BMW brakes squeal") == ["brakes"]
    assert extract_keywords("coding help for my Honda") == []


def test_tesla_concerns_need_tesla_diagnostics() -> None:
    assert extract_keywords("Tesla suspension clunk") == ["suspension", "tesla_diagnostics"]


def test_mercedes_star_vcds_and_piwis() -> None:
    assert extract_keywords("Need STAR diagnosis on my Mercedes") == ["mercedes_star"]
    assert extract_keywords("anyone with vcds nearby") == ["audi_vcds"]
    assert extract_keywords("VAG-COM scan") == ["audi_vcds"]
    assert extract_keywords("need PIWIS") == ["porsche_piwis"]


def test_ev_battery_and_charging_mean_ev_hybrid_not_the_12v_battery() -> None:
    assert extract_keywords("hybrid battery weak") == ["ev_hybrid"]
    assert extract_keywords("my Rivian battery is dying fast") == ["ev_hybrid"]
    assert extract_keywords("EV won't charge") == ["ev_hybrid"]
    assert extract_keywords("my battery won't charge") == ["battery_starting"]


def test_pre_purchase_needs_buying_and_inspecting() -> None:
    assert extract_keywords("pre-purchase inspection please") == ["pre_purchase_inspection"]
    assert extract_keywords("buying a used car, want it inspected") == ["pre_purchase_inspection"]
    assert extract_keywords("I want to buy new tires") == ["tires"]
    assert extract_keywords("annual safety inspection") == []


# --- the analysis object ----------------------------------------------------------------------------
def test_analysis_explains_which_phrases_fired() -> None:
    analysis = analyse_concern("My Chevy's tranny slips, CEL on, P0700")
    assert isinstance(analysis, ConcernAnalysis)
    assert analysis.keywords == ["check_engine_light", "transmission"]
    assert analysis.evidence["transmission"] == ["tranny", "P0700"]
    assert analysis.evidence["check_engine_light"] == ["cel", "P0700"]
    assert analysis.brands == ["Chevrolet"]
    assert analysis.dtc_codes == ["P0700"]
    assert set(analysis.evidence) == set(analysis.keywords)


def test_internal_markers_never_leak_into_keywords() -> None:
    analysis = analyse_concern("coding, buying, inspect, charging, clicks")
    assert all(not slug.startswith("_") for slug in analysis.keywords)
    assert all(not slug.startswith("_") for slug in analysis.evidence)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("car shakes above 100 km/h", ["tires"]),
        ("ça vibre à haute vitesse sur l'autoroute", ["tires"]),
        ("my car shudders when i brake from highway speed", ["brakes"]),
        ("smoke coming out from under the dashboard", ["electrical"]),
        ("headlights flicker when I go over bumps", ["electrical"]),
        ("loud clunk from the front wheel area over bumps", ["suspension"]),
        ("my heated seat stopped warming up", ["electrical"]),
        ("le toit ouvrant ne ferme plus", ["electrical"]),
        ("les capteurs de stationnement sonnent tout le temps", ["backup_camera"]),
        ("reverse camra shows a black screen", ["backup_camera"]),
        ("squeal from the engine bay when the AC kicks in", ["hvac"]),
    ],
)
def test_the_error_classes_seen_on_unseen_messages(text, expected):
    assert extract_keywords(text) == expected
