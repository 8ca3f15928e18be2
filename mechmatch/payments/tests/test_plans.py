from mechmatch.payments.plans import BRAND_SPECIALIST_PREMIUM_CENTS, PLAN_BY_CODE, plan_price_cents


def test_the_source_platforms_plans_are_offered_at_their_prices():
    assert {code: (p.minutes, p.amount_cents) for code, p in PLAN_BY_CODE.items()} == {
        "free": (5, 0),
        "quick": (30, 999),
        "standard": (45, 2999),
        "full": (60, 4999),
    }


def test_a_brand_specialist_adds_the_premium_to_paid_plans_but_free_stays_free():
    assert plan_price_cents("standard", brand_specialist=True) == 2999 + BRAND_SPECIALIST_PREMIUM_CENTS
    assert plan_price_cents("free", brand_specialist=True) == 0
