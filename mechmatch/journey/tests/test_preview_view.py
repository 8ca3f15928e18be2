from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.experiments.tests.conftest import customers_in_each_arm, near_and_well_rated, policy_experiment
from mechmatch.funnel.models import FunnelEvent
from mechmatch.journey.models import Intake
from mechmatch.journey.selectors import preview_for_intake
from mechmatch.journey.services import intake_current
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_the_best_match_is_highlighted_with_a_one_click_continue(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "Best match" in page and "Continue with Morgan" in page
    assert "Why we recommend" in page and "Honda specialist" in page
    assert "Mike Chen" in page and "Sarah Lee" in page and "View all 3 mechanics" in page
    assert FunnelEvent.objects.filter(name="preview_shown").count() == 1


def test_nobody_available_offers_to_wait_or_leave_contact_details(customer_client, customer):
    make_mechanic(display_name="Off Duty", on_shift=False)
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "Nobody is online right now" in page
    assert "Wait for the next available mechanic" in page and "leave your contact details" in page


def test_no_local_mechanics_says_the_closest_can_help_remotely(customer_client, customer):
    make_mechanic(display_name="Far Away", postal_code="K1P 1J1")  # Ottawa, ~350 km
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "No mechanics available in your immediate area" in page


def test_a_far_specialist_is_shown_with_local_generalists(customer_client, customer):
    make_mechanic(display_name="Bea Bimmer", postal_code="H2X 1Y4", brands=["BMW"])  # Montreal
    make_mechanic(display_name="Local Larry", postal_code="M5V 2T6")
    intake = ready_intake(customer, make="BMW", model="330i", request_type="brand_specialist")
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "BMW specialists are not local" in page and "Local Larry" in page


def test_the_french_preview_gives_the_reasons_in_french(customer_client, customer, toronto_mechanics):
    customer_client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "Disponible maintenant" in page and "Spécialiste Honda" in page and "Expérimenté en freins" in page
    assert "Available now" not in page and "Honda specialist" not in page


def test_an_intake_not_yet_described_goes_back_to_the_form(customer_client, customer):
    intake = intake_current(user=customer.user)
    assert intake.status != Intake.Status.READY
    response = customer_client.get(reverse("journey:preview", args=[intake.pk]))
    assert response["Location"] == reverse("journey:intake", args=[intake.pk])


def test_an_intake_already_sent_leads_to_its_waiting_room(customer_client, waiting):
    intake = Intake.objects.get(session_request=waiting)
    response = customer_client.get(reverse("journey:preview", args=[intake.pk]))
    assert response["Location"] == reverse("journey:request", args=[waiting.pk])


def test_each_card_says_how_exact_its_distance_is(customer_client, customer, toronto_mechanics):
    page = customer_client.get(reverse("journey:preview", args=[ready_intake(customer).pk])).content.decode()
    assert 'data-precision="postal_code">(by postal code)' in page
    page = customer_client.get(reverse("journey:preview", args=[ready_intake(customer, postal_code="M5V").pk]))
    assert 'data-precision="fsa">(approx., by postal area)' in page.content.decode()


def test_the_distance_precision_is_said_in_french_too(customer_client, customer, toronto_mechanics):
    customer_client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})
    page = customer_client.get(reverse("journey:preview", args=[ready_intake(customer).pk])).content.decode()
    assert "(selon le code postal)" in page


def test_a_customer_in_iqaluit_sees_toronto_mechanics_with_their_distance(customer_client, customer):
    make_mechanic(display_name="Tori Toronto", postal_code="M5V 3L9")
    intake = ready_intake(customer, postal_code="X0A 0H0", city="Iqaluit", region="NU")
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "All our mechanics are currently busy" not in page
    assert "Continue with Tori" in page and "No mechanics available in your immediate area" in page


def test_a_customer_in_iqaluit_is_told_all_are_busy_when_nobody_anywhere_is_online(customer_client, customer):
    make_mechanic(display_name="Off Duty", postal_code="M5V 3L9", on_shift=False)
    intake = ready_intake(customer, postal_code="X0A 0H0", city="Iqaluit", region="NU")
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "All our mechanics are currently busy" in page


def test_a_local_generalist_is_offered_once_beside_far_specialists(customer_client, customer):
    make_mechanic(display_name="Bea Bimmer", postal_code="H2X 1Y4", brands=["BMW"])  # Montreal
    make_mechanic(display_name="Bo Bimmer", postal_code="H2X 1Y4", brands=["BMW"])
    make_mechanic(display_name="Local Larry", postal_code="M5V 2T6", rating=4.9, reviews=300)
    intake = ready_intake(customer, make="BMW", model="330i", request_type="brand_specialist")
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert page.count("Local Larry") == 1 and "Bea Bimmer" in page and "Bo Bimmer" in page
    assert "View all 2 mechanics" in page


def test_the_preview_shows_the_best_match_and_four_more_each_with_reasons(customer_client, customer):
    for n in range(7):
        make_mechanic(display_name=f"Pat Number{n}", postal_code="M5V 3L9", rating=4.0 + n / 10)
    intake = ready_intake(customer)
    response = customer_client.get(reverse("journey:preview", args=[intake.pk]))
    view = response.context["view"]
    assert len(view.others) == 4
    assert all(card.reasons for card in [view.top, *view.others])
    assert response.content.decode().count('class="reasons') >= 5


def test_the_preview_says_what_it_understood_from_the_concern_with_a_way_to_correct_it(
    customer_client, customer, toronto_mechanics
):
    intake = ready_intake(customer, concern="Grinding noise when I brake and the ABS light is on")
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "What we understood:" in page
    assert "Brakes" in page
    assert reverse("journey:intake", args=[intake.pk]) in page


def test_the_preview_explains_how_each_score_was_made(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    response = customer_client.get(reverse("journey:preview", args=[intake.pk]))
    top = response.context["view"].top
    assert top.factors and top.factors[0]["share"] == 1.0
    assert sum(f["points"] for f in top.factors) == pytest.approx(top.score, abs=0.6)
    page = response.content.decode()
    assert 'data-testid="score-breakdown"' in page and "Availability" in page


def test_the_score_breakdown_reads_in_french(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    customer_client.post("/i18n/setlang/", {"language": "fr-ca", "next": "/"})
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert "Comment ce score a été calculé" in page
    assert "Disponibilité" in page
    assert "Ce que nous avons compris" in page


def test_the_preview_records_its_compute_time_and_intake_and_carries_the_load_beacon(
    customer_client, customer, toronto_mechanics
):
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    event = FunnelEvent.objects.get(name="preview_shown")
    assert event.properties["intake_id"] == intake.pk
    assert isinstance(event.properties["compute_ms"], float) and event.properties["compute_ms"] >= 0
    assert 'src="/static/funnel/page-load.js"' in page and 'data-page="preview"' in page


def test_nobody_available_offers_to_book_a_time_for_later(customer_client, customer):
    make_mechanic(display_name="Off Duty", on_shift=False)
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
    assert reverse("scheduling:intake_slots", args=[intake.pk]) in page


def test_the_preview_page_ranks_a_customer_with_their_policy_experiment_arm():
    treated, control = customers_in_each_arm(policy_experiment("rating_heavy", treatment=50, control=50))
    nadia, rafa = near_and_well_rated()
    for profile, first in ((treated, rafa), (control, nadia)):
        intake = ready_intake(profile)
        top = preview_for_intake(intake=intake).top
        assert top is not None and top.id == first.pk
        client = Client()
        client.force_login(profile.user)
        page = client.get(reverse("journey:preview", args=[intake.pk])).content.decode()
        assert f"Continue with {first.display_name.split()[0]}" in page
