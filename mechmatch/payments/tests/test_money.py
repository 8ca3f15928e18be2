from mechmatch.payments.money import NBSP, amount_display


def test_english_puts_the_dollar_sign_first_with_a_decimal_point():
    assert amount_display(2900, "CAD", "en") == "$29.00"
    assert amount_display(0, "CAD", "en") == "$0.00"
    assert amount_display(123456, "USD", "en-us") == "$1,234.56"


def test_french_puts_the_dollar_sign_after_with_a_decimal_comma_and_no_break_spaces():
    assert amount_display(2900, "CAD", "fr-ca") == f"29,00{NBSP}$"
    assert amount_display(2900, "CAD", "fr_CA") == f"29,00{NBSP}$"
    assert amount_display(123456, "CAD", "fr") == f"1{NBSP}234,56{NBSP}$"


def test_an_unknown_language_reads_as_english():
    assert amount_display(999, "CAD", "de") == "$9.99"


def test_a_currency_without_a_symbol_shows_its_code():
    assert amount_display(2900, "eur", "en") == "29.00 EUR"
    assert amount_display(2900, "EUR", "fr") == f"29,00{NBSP}EUR"
