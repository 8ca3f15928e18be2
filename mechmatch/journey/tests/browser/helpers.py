from __future__ import annotations

from mechmatch.testing import PASSWORD, make_mechanic

TORONTO_MECHANICS = [
    # (name, email, postal code, brands, rating, reviews)
    ("Morgan Lee", "morgan.browser@example.test", "M5V 2T6", ["Honda"], 4.9, 47),
    ("Mike Chen", "mike.browser@example.test", "M5H 2N2", [], 4.8, 30),
    ("Sarah Lee", "sarah.browser@example.test", "M4W 1A8", [], 4.7, 25),
]


def seed_toronto_mechanics() -> dict[str, str]:
    """Creates on-shift mechanics downtown Toronto; returns display name -> email."""
    people = {}
    for name, email, postal, brands, rating, reviews in TORONTO_MECHANICS:
        make_mechanic(
            display_name=name,
            email=email,
            postal_code=postal,
            brands=brands,
            services=["brakes"],
            rating=rating,
            reviews=reviews,
            avg_response_seconds=90,
        )
        people[name] = email
    return people


def sign_up(page, *, first_name: str, email: str, postal_code: str = "M5V 1A1") -> None:  # noqa: ANN001
    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Country").select_option("CA")
    page.get_by_label("City").fill("Toronto")
    page.get_by_label("Postal code").fill(postal_code)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")


def sign_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/accounts/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_intake(page, *, concern: str = "Brakes squeal when I stop at lights") -> None:  # noqa: ANN001
    page.locator("#id_year").fill("2018")
    page.locator("#id_make").fill("Honda")
    page.locator("#id_model").fill("Civic")
    page.get_by_label("What's going on?").fill(concern)
    page.get_by_label("Country").select_option("CA")
    page.get_by_label("City").fill("Toronto")
    page.get_by_label("Postal code").fill("M5V 1A1")
