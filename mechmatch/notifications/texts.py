"""Each kind's subject and body in every language we send, the one home for the wording.
Bodies are `str.format` templates over the notification's context; the e-mail templates
wrap them with the greeting and the absolute link."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, translation

from mechmatch.notifications.models import Kind
from mechmatch.payments.money import amount_display

# language -> kind -> (subject, body)
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        Kind.EXCLUSIVE_OFFER: (
            "Exclusive offer from {customer_first_name}",
            '{customer_first_name} chose you for their {vehicle}: "{concern}". '
            "The offer is yours alone for {minutes_left} minutes.",
        ),
        Kind.FAVOURITE_REQUEST: (
            "{customer_first_name} asked for you again",
            '{customer_first_name}, who saved you as a favourite, needs help with their {vehicle}: "{concern}".',
        ),
        Kind.WINDOW_EXTENDED: (
            "{customer_first_name} is waiting longer for you",
            "{customer_first_name} extended your window for their {vehicle}: {minutes_left} more minutes.",
        ),
        Kind.ACCEPTED: (
            "{mechanic_name} accepted: join your session",
            "{mechanic_name} accepted your request about your {vehicle}. Join the session now.",
        ),
        Kind.AWAITING_CHOICE: (
            "{mechanic_name} is not available: choose what happens next",
            "{mechanic_name} could not take your request about your {vehicle}. "
            "Wait longer, choose another mechanic, or let us send it to the best-matched mechanics.",
        ),
        Kind.BROADCAST: (
            "Your request went to the best-matched mechanics",
            "We sent your request about your {vehicle} to the best-matched mechanics; the first to accept joins you.",
        ),
        Kind.RECEIPT: (
            "Your receipt: {amount}",
            "Thank you. We received {amount} for your session about your {vehicle}.",
        ),
        Kind.REFUND: (
            "Refunded: {amount}",
            "We refunded {amount} for your request about your {vehicle}. "
            "It reaches your card in 5 to 10 business days.",
        ),
        Kind.REFUND_OFFERED: (
            "Nobody has accepted yet: you can get a refund",
            "No mechanic has accepted your request about your {vehicle} yet. "
            "Keep waiting, or cancel it and get your {amount} back.",
        ),
        Kind.MECHANIC_AVAILABLE: (
            "A mechanic is available now",
            "{mechanic_name} just went on shift and can help with your {vehicle}.",
        ),
        Kind.SCHEDULED_SOON: (
            "Scheduled session with {customer_first_name} on {when}",
            '{customer_first_name} booked a session with you about their {vehicle} on {when}: "{concern}". '
            "Be on shift a few minutes before: the offer comes to you at the start.",
        ),
        Kind.SCHEDULED_REMINDER: (
            "Your scheduled session is on {when}",
            "Your session about your {vehicle} starts on {when}. "
            "We connect you with your mechanic at the start; keep this page at hand.",
        ),
    },
    "fr": {
        Kind.EXCLUSIVE_OFFER: (
            "Offre exclusive de {customer_first_name}",
            "{customer_first_name} vous a choisi pour son véhicule {vehicle} : « {concern} ». "
            "L'offre vous est réservée pendant {minutes_left} minutes.",
        ),
        Kind.FAVOURITE_REQUEST: (
            "{customer_first_name} vous demande de nouveau",
            "{customer_first_name}, qui vous a ajouté à ses favoris, a besoin d'aide pour son véhicule "
            "{vehicle} : « {concern} ».",
        ),
        Kind.WINDOW_EXTENDED: (
            "{customer_first_name} vous attend plus longtemps",
            "{customer_first_name} a prolongé votre délai pour son véhicule {vehicle} : "
            "{minutes_left} minutes de plus.",
        ),
        Kind.ACCEPTED: (
            "{mechanic_name} a accepté : rejoignez votre séance",
            "{mechanic_name} a accepté votre demande concernant votre véhicule {vehicle}. "
            "Rejoignez la séance maintenant.",
        ),
        Kind.AWAITING_CHOICE: (
            "{mechanic_name} n'est pas disponible : choisissez la suite",
            "{mechanic_name} n'a pas pu prendre votre demande concernant votre véhicule {vehicle}. "
            "Attendez encore, choisissez un autre mécanicien ou envoyez-la aux mécaniciens les plus compatibles.",
        ),
        Kind.BROADCAST: (
            "Votre demande a été envoyée aux mécaniciens les plus compatibles",
            "Nous avons envoyé votre demande concernant votre véhicule {vehicle} aux mécaniciens les plus "
            "compatibles ; le premier qui accepte vous rejoint.",
        ),
        Kind.RECEIPT: (
            "Votre reçu : {amount}",
            "Merci. Nous avons reçu {amount} pour votre séance concernant votre véhicule {vehicle}.",
        ),
        Kind.REFUND: (
            "Remboursement : {amount}",
            "Nous avons remboursé {amount} pour votre demande concernant votre véhicule {vehicle}. "
            "Le montant apparaîtra sur votre carte d'ici 5 à 10 jours ouvrables.",
        ),
        Kind.REFUND_OFFERED: (
            "Personne n'a encore accepté : vous pouvez être remboursé",
            "Aucun mécanicien n'a encore accepté votre demande concernant votre véhicule {vehicle}. "
            "Continuez d'attendre, ou annulez-la et récupérez vos {amount}.",
        ),
        Kind.MECHANIC_AVAILABLE: (
            "Un mécanicien est disponible",
            "{mechanic_name} vient de commencer son quart et peut vous aider avec votre véhicule {vehicle}.",
        ),
        Kind.SCHEDULED_SOON: (
            "Séance planifiée avec {customer_first_name} le {when}",
            "{customer_first_name} a réservé une séance avec vous pour son véhicule {vehicle} le {when} : "
            "« {concern} ». Soyez en service quelques minutes avant : l'offre vous arrive au début.",
        ),
        Kind.SCHEDULED_REMINDER: (
            "Votre séance planifiée est le {when}",
            "Votre séance concernant votre véhicule {vehicle} commence le {when}. "
            "Nous vous mettons en contact avec votre mécanicien au début ; gardez cette page à portée de main.",
        ),
    },
}

LINK_LABELS = {"en": "Open", "fr": "Ouvrir"}
GREETINGS = {"en": "Hello {first_name},", "fr": "Bonjour {first_name},"}
FOOTERS = {
    "en": "You can choose which e-mails you get on your notification preferences page.",
    "fr": "Vous pouvez choisir les courriels que vous recevez dans vos préférences de notification.",
}


def language_of(preferred: str) -> str:
    """'fr-ca', 'fr_CA', 'fr' -> 'fr'; anything we do not write -> 'en'."""
    base = (preferred or "en").lower().replace("_", "-").split("-")[0]
    return base if base in TEXTS else "en"


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def when_display(starts_at: str, timezone: str, language: str) -> str:
    """An ISO moment as the recipient reads it in their time zone: "Thursday, Dec. 3, 2026,
    2 p.m. EST" or "jeudi 3 décembre 2026, 14 h 00 EST"."""
    moment = datetime.fromisoformat(starts_at).astimezone(ZoneInfo(timezone or "UTC"))
    with translation.override("fr-ca" if language_of(language) == "fr" else "en"):
        return formats.date_format(moment, "WEEKDAY_DATETIME_FORMAT")


def render(kind: str, context: dict[str, object], language: str) -> tuple[str, str]:
    """(subject, body) for `kind` in `language`; a missing context value renders empty.
    A context with `amount_cents` (and `currency`) gets `amount` written for `language`;
    one with `starts_at` (ISO) and `timezone` gets `when`, likewise."""
    subject, body = TEXTS[language_of(language)][kind]
    values = _Missing(context)
    if "amount_cents" in context:
        values["amount"] = amount_display(
            int(str(context["amount_cents"])), str(context.get("currency") or "CAD"), language
        )
    if context.get("starts_at"):
        values["when"] = when_display(str(context["starts_at"]), str(context.get("timezone") or "UTC"), language)
    return subject.format_map(values), body.format_map(values)
