"""Realistic, reproducible demo data: mechanics and customers at real postal areas across
Canada and the US, weighted toward where people live with rural areas still covered.
Used by the seed_demo command and by the benchmarks, which seed several sizes."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import BooleanField, DateField, DateTimeField, Field, JSONField, Model
from django.utils import timezone
from faker import Faker

from mechmatch.accounts.models import User
from mechmatch.core import spatial
from mechmatch.core.avatars import avatar_png
from mechmatch.core.geo import PostalArea, postal_areas, timezone_for
from mechmatch.core.taxonomy import SERVICES
from mechmatch.customers.models import CustomerProfile, Vehicle
from mechmatch.mechanics.models import Mechanic, MechanicBrand, MechanicService, Review, Workshop
from mechmatch.mechanics.services import mechanic_search_name, profile_completion_compute

DEMO_PASSWORD = "demo-password-2026"
DEMO_DOMAIN = "demo.mechmatch.test"
BATCH = 5000
CANADA_SHARE = 0.55

# Rough market shares in Canada and the US, so brand demand and supply look real.
BRAND_WEIGHTS: dict[str, float] = {
    "Toyota": 14,
    "Ford": 13,
    "Chevrolet": 11,
    "Honda": 9,
    "Hyundai": 6,
    "Nissan": 6,
    "Kia": 5,
    "Jeep": 4,
    "Ram": 4,
    "GMC": 4,
    "Subaru": 4,
    "Mazda": 3,
    "Volkswagen": 3,
    "BMW": 3,
    "Mercedes-Benz": 3,
    "Tesla": 3,
    "Audi": 2,
    "Lexus": 2,
    "Dodge": 2,
    "Acura": 1.5,
    "Volvo": 1,
    "Porsche": 0.6,
    "Mitsubishi": 1,
    "Buick": 1,
    "Cadillac": 1,
    "Chrysler": 0.8,
    "Lincoln": 0.6,
    "Infiniti": 0.5,
    "Land Rover": 0.5,
    "Mini": 0.4,
}
MODELS: dict[str, list[str]] = {
    "Toyota": ["Corolla", "RAV4", "Camry", "Tacoma", "Highlander"],
    "Ford": ["F-150", "Escape", "Explorer", "Mustang"],
    "Chevrolet": ["Silverado", "Equinox", "Malibu", "Bolt"],
    "Honda": ["Civic", "CR-V", "Accord", "Pilot"],
    "Hyundai": ["Elantra", "Tucson", "Kona"],
    "Nissan": ["Rogue", "Sentra", "Altima"],
    "Kia": ["Soul", "Sportage", "Forte"],
    "Jeep": ["Wrangler", "Grand Cherokee"],
    "Ram": ["1500"],
    "GMC": ["Sierra", "Terrain"],
    "Subaru": ["Outback", "Forester"],
    "Mazda": ["Mazda3", "CX-5"],
    "Volkswagen": ["Jetta", "Golf", "Tiguan"],
    "BMW": ["3 Series", "X3", "X5"],
    "Mercedes-Benz": ["C-Class", "GLC"],
    "Tesla": ["Model 3", "Model Y"],
    "Audi": ["A4", "Q5"],
    "Lexus": ["RX", "ES"],
    "Dodge": ["Grand Caravan", "Charger"],
    "Acura": ["MDX", "RDX"],
    "Volvo": ["XC60"],
    "Porsche": ["Cayenne", "911"],
}
BRAND_SERVICE = {
    "BMW": "bmw_coding",
    "Tesla": "tesla_diagnostics",
    "Mercedes-Benz": "mercedes_star",
    "Audi": "audi_vcds",
    "Porsche": "porsche_piwis",
}
GENERAL_SERVICES = [s.slug for s in SERVICES if s.brand is None]
# Drawn portraits shared by the demo mechanics (a pool, not one file each: 100,000 seeded
# mechanics must not mean 100,000 files).
AVATAR_POOL = 24
PHOTO_SHARE = 0.85
# What demo reviewers write, in both of the site's languages; most reviews have no comment.
REVIEW_COMMENTS = (
    "Found the problem in ten minutes and saved me a tow.",
    "Clear, patient and honest about what it would cost.",
    "Walked me through the scan codes step by step.",
    "Knew my car inside out. Would book again.",
    "Great session, the noise turned out to be a heat shield.",
    "Très professionnel, il a trouvé la panne tout de suite.",
    "Explications claires, je sais maintenant quoi demander au garage.",
    "Super patient, merci pour les conseils!",
)
COMMENT_SHARE = 0.35


def _location_row(country: str, area: PostalArea) -> dict[str, Any]:
    """The location columns mechanics and customers share, for a seeded postal area."""
    return {
        "country": country,
        "region": area.region,
        # "Downtown Toronto (CN Tower / ...)" and "Detroit, MI" become the bare city name.
        "city": area.place.split("(")[0].split(",")[0].strip()[:100],
        "postal_code": area.code,
        "latitude": area.lat,
        "longitude": area.lon,
        "location_precision": area.precision,
    }


def _adapter(field: Field) -> Callable[[Any], Any]:
    """How a Python value is handed to the driver for this column (bulk_create's per-value
    preparation costs more than everything else in a 100,000-row seed)."""
    if isinstance(field, JSONField):
        return json.dumps
    if isinstance(field, DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, BooleanField) and connection.vendor == "sqlite":
        return lambda value: None if value is None else int(value)
    return lambda value: value


def insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    names = list(rows[0])
    # Rows are keyed by attribute name ("user_id" for a foreign key), as the columns are.
    columns_by_name = {field.attname: field for field in model._meta.concrete_fields}
    fields = [columns_by_name[name] for name in names]
    adapters = [_adapter(field) for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams every row in one statement; executemany still pays a server
            # round of parse/plan/execute per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([adapt(row[name]) for adapt, name in zip(adapters, names, strict=True)])
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    tuple(adapt(row[name]) for adapt, name in zip(adapters, names, strict=True))
                    for row in rows[start : start + BATCH]
                ],
            )


class DemoSeeder:
    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.faker = {"CA": Faker(["en_CA", "fr_CA"]), "US": Faker("en_US")}
        for index, fake in enumerate(self.faker.values()):
            fake.seed_instance(seed + index)
        # Name pools drawn once from Faker's locale data: drawing 200,000 names one by one
        # through Faker would dominate the seed time.
        self.names = {
            country: ([fake.first_name() for _ in range(1500)], [fake.last_name() for _ in range(1500)])
            for country, fake in self.faker.items()
        }
        self.password_hash = make_password(DEMO_PASSWORD)
        self.now = timezone.now()
        self.areas = {country: postal_areas(country) for country in ("CA", "US")}
        self.cum_weights = {c: self._cumulative([a.weight for a in areas]) for c, areas in self.areas.items()}
        self.brands = list(BRAND_WEIGHTS)
        self.brand_cum = self._cumulative(list(BRAND_WEIGHTS.values()))
        # Scoped by seed so two seeds can coexist (benchmarks seed several sizes).
        self.tag = f"s{seed}"
        self.avatar_names: list[str] = []
        # Each mechanic's individual review ratings, written as Review rows once the demo
        # customers (their authors) exist; drawn from their own generator so the rest of
        # the demo stays the same whether or not reviews are written.
        self.review_rng = random.Random(seed * 7919 + 1)
        self.review_ratings: list[list[int]] = []
        self.review_mechanic_ids: list[int] = []

    def avatars_write(self) -> list[str]:
        """Draws the avatar pool into media storage. Called before the seeding transaction
        opens: drawing and writing files is slow work that must not hold SQLite's one writer."""
        storage = Mechanic._meta.get_field("photo").storage
        names = []
        for index in range(AVATAR_POOL):
            name = f"mechanics/demo-avatar-{self.seed}-{index:02d}.png"
            if not storage.exists(name):
                name = storage.save(name, ContentFile(avatar_png(self.seed * 1000 + index)))
            names.append(name)
        self.avatar_names = names
        return names

    @staticmethod
    def _cumulative(weights: list[float]) -> list[float]:
        total, out = 0.0, []
        for w in weights:
            total += w
            out.append(total)
        return out

    def _area(self, country: str | None = None) -> tuple[str, PostalArea]:
        country = country or ("CA" if self.rng.random() < CANADA_SHARE else "US")
        area = self.rng.choices(self.areas[country], cum_weights=self.cum_weights[country])[0]
        return country, area

    def _area_for_code(self, country: str, prefix: str) -> PostalArea:
        return next(a for a in self.areas[country] if a.code.startswith(prefix))

    def run(self, *, mechanics: int, customers: int) -> dict[str, Any]:
        operator_email = f"ops.{self.tag}@{DEMO_DOMAIN}"
        User.objects.filter(email=operator_email).delete()
        User.objects.create(
            email=operator_email,
            password=self.password_hash,
            role=User.Role.OPERATOR,
            is_staff=True,
            is_superuser=True,
            first_name="Olivia",
            last_name="Operator",
        )
        workshops = self._workshops(max(1, mechanics // 500))
        mechanic_emails = self._mechanics(mechanics, workshops)
        customer_emails = self._customers(customers)
        self._reviews()
        return {
            "password": DEMO_PASSWORD,
            "operator": operator_email,
            "mechanics": mechanic_emails[:5],
            "customers": customer_emails[:5],
            "note": "Demo accounts only. Every demo account uses the same password.",
        }

    def _workshops(self, count: int) -> list[Workshop]:
        rows = []
        for _ in range(count):
            country, area = self._area()
            rows.append(
                Workshop(
                    name=f"{self.faker[country].last_name()} Auto Service",
                    city=area.place[:100],
                    region=area.region,
                    country=country,
                )
            )
        return Workshop.objects.bulk_create(rows)

    def _name(self, country: str) -> tuple[str, str]:
        firsts, lasts = self.names[country]
        return self.rng.choice(firsts), self.rng.choice(lasts)

    def _user_row(self, email: str, role: str, first: str, last: str) -> dict[str, Any]:
        return {
            "email": email,
            "password": self.password_hash,
            "role": role,
            "first_name": first,
            "last_name": last,
            "phone": "",
            "preferred_language": "en",
            "is_staff": False,
            "is_superuser": False,
            "is_active": True,
            "date_joined": self.now,
            "last_login": None,
        }

    def _insert_users(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        insert_rows(User, rows)
        return dict(User.objects.filter(email__in=[row["email"] for row in rows]).values_list("email", "id"))

    def _mechanics(self, count: int, workshops: list[Workshop]) -> list[str]:
        emails: list[str] = []
        for start in range(0, count, BATCH):
            users, mechanics = [], []
            for i in range(start, min(start + BATCH, count)):
                # The first few demo mechanics work downtown Toronto so the demo journey
                # (and its sign-in sheet) always has someone local and on shift.
                country, area = ("CA", self._area_for_code("CA", "M5V")) if i < 5 else self._area()
                first, last = self._name(country)
                email = f"mechanic{i}.{self.tag}@{DEMO_DOMAIN}"
                emails.append(email)
                users.append(self._user_row(email, User.Role.MECHANIC, first, last))
                mechanics.append(self._mechanic(i, country, area, f"{first} {last}", workshops))
            user_ids = self._insert_users(users)
            for user, mechanic in zip(users, mechanics, strict=True):
                mechanic["user_id"] = user_ids[user["email"]]
            insert_rows(Mechanic, mechanics)
            ids = dict(Mechanic.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "id"))
            brand_rows, service_rows = [], []
            for mechanic in mechanics:
                pk = ids[mechanic["user_id"]]
                self.review_mechanic_ids.append(pk)
                cells = {name: mechanic[name] for name in MechanicBrand.CELL_FIELDS}
                brand_rows += [{"mechanic_id": pk, "brand": b, **cells} for b in mechanic["brand_specializations"]]
                service_rows += [{"mechanic_id": pk, "slug": slug} for slug in mechanic["service_specialities"]]
            insert_rows(MechanicBrand, brand_rows)
            insert_rows(MechanicService, service_rows)
        return emails

    def _mechanic(self, i: int, country: str, area: PostalArea, name: str, workshops: list[Workshop]) -> dict[str, Any]:
        rng = self.rng
        years = max(1, min(45, int(rng.gammavariate(2.2, 5.0))))
        roll = rng.random()
        brands: list[str] = []
        tier = Mechanic.SpecialistTier.GENERAL
        if roll < 0.35 or i < 2:
            brands = list(dict.fromkeys(rng.choices(self.brands, cum_weights=self.brand_cum, k=rng.randint(1, 3))))
            tier = Mechanic.SpecialistTier.MASTER if roll < 0.04 and years >= 12 else Mechanic.SpecialistTier.BRAND
        services = rng.sample(GENERAL_SERVICES, rng.randint(2, 6))
        services += [BRAND_SERVICE[b] for b in brands if b in BRAND_SERVICE]
        if rng.random() < 0.08:
            services.append("ev_hybrid")
        services = list(dict.fromkeys(services))
        reviews = 0 if rng.random() < 0.12 else min(800, int(rng.paretovariate(1.3) * 4))
        mean = min(5.0, max(2.5, rng.gauss(4.55, 0.3)))
        # The aggregate is what the review rows say, as mechanic_rating_recompute would find.
        ratings = [min(5, max(1, round(self.review_rng.gauss(mean, 0.7)))) for _ in range(reviews)]
        self.review_ratings.append(ratings)
        rating = round(sum(ratings) / len(ratings), 3) if ratings else 0.0
        sessions = reviews + int(reviews * rng.uniform(0.2, 1.5)) + (rng.randint(0, 5) if reviews else 0)
        response = round(min(900.0, rng.lognormvariate(4.9, 0.6)), 1) if sessions else None
        status_roll = rng.random()
        application = (
            Mechanic.ApplicationStatus.APPROVED
            if status_roll < 0.92 or i < 5
            else Mechanic.ApplicationStatus.PENDING
            if status_roll < 0.97
            else Mechanic.ApplicationStatus.REJECTED
        )
        approved = application == Mechanic.ApplicationStatus.APPROVED
        suspended = rng.random() < 0.02 and i >= 5
        on_shift = approved and not suspended and (rng.random() < 0.25 or i < 5)
        red_seal = country == "CA" and rng.random() < 0.45
        cells = spatial.cells_for(area.lat, area.lon)
        specialities = ", ".join(s.replace("_", " ") for s in services[:3])
        bio = (
            f"{years} years in the trade{' and a Red Seal ticket' if red_seal else ''}. "
            f"I mostly work on {', '.join(brands) if brands else 'all makes'}: {specialities}."
        )
        row = {
            "display_name": name,
            "search_name": mechanic_search_name(name),
            "photo": self.avatar_names[i % len(self.avatar_names)]
            if self.avatar_names and self.review_rng.random() < PHOTO_SHARE
            else "",
            "bio": bio,
            **_location_row(country, area),
            "h3_r3": cells[3],
            "h3_r5": cells[5],
            "h3_r7": cells[7],
            "timezone": timezone_for(country, area.region, area.lon),
            "years_experience": years,
            "red_seal_certified": red_seal,
            "red_seal_verified": red_seal and rng.random() < 0.8,
            "red_seal_province": area.region if red_seal else "",
            "red_seal_expires_on": date(2027, 1, 1) + timedelta(days=rng.randint(0, 1500)) if red_seal else None,
            "brand_specializations": brands,
            "service_specialities": services,
            "specialist_tier": tier,
            "workshop_id": rng.choice(workshops).pk if rng.random() < 0.2 else None,
            "application_status": application,
            "account_status": Mechanic.AccountStatus.SUSPENDED if suspended else Mechanic.AccountStatus.ACTIVE,
            "approved_at": self.now - timedelta(days=rng.randint(1, 900)) if approved else None,
            "is_on_shift": on_shift,
            "last_seen_at": self.now - timedelta(seconds=rng.randint(0, 600)) if on_shift else None,
            "rating_average": rating,
            "review_count": reviews,
            "completed_sessions": sessions,
            "avg_response_seconds": response,
            "response_sample_count": sessions,
            "offers_received": int(sessions * 1.4),
            "offers_accepted": sessions,
            "offers_declined": int(sessions * 0.2),
            "created_at": self.now,
            "updated_at": self.now,
        }
        row["profile_completion"] = profile_completion_compute(SimpleNamespace(**row))
        return row

    def _customers(self, count: int) -> list[str]:
        emails: list[str] = []
        for start in range(0, count, BATCH):
            users, profiles = [], []
            for i in range(start, min(start + BATCH, count)):
                country, area = ("CA", self._area_for_code("CA", "M5V")) if i == 0 else self._area()
                first, last = self._name(country)
                email = f"customer{i}.{self.tag}@{DEMO_DOMAIN}"
                emails.append(email)
                users.append(self._user_row(email, User.Role.CUSTOMER, first, last))
                profiles.append(
                    {
                        **_location_row(country, area),
                        "prefer_local_mechanic": True,
                        "created_at": self.now,
                    }
                )
            user_ids = self._insert_users(users)
            for user, profile in zip(users, profiles, strict=True):
                profile["user_id"] = user_ids[user["email"]]
            insert_rows(CustomerProfile, profiles)
            ids = dict(CustomerProfile.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "id"))
            vehicles = []
            for profile in profiles:
                make = self.rng.choices(self.brands, cum_weights=self.brand_cum)[0]
                vehicles.append(
                    {
                        "customer_id": ids[profile["user_id"]],
                        "year": self.rng.randint(2008, 2025),
                        "make": make,
                        "model": self.rng.choice(MODELS.get(make, ["Sedan"])),
                        "vin": "",
                        "created_at": self.now,
                    }
                )
            insert_rows(Vehicle, vehicles)
        return emails

    def _reviews(self) -> None:
        """Writes the review rows behind every demo mechanic's rating, authored by demo
        customers, so a profile never shows "4.8 (4 reviews)" above "No reviews yet".
        Without demo customers (the benchmarks seed none) there is nobody to author them,
        and the ratings stay as bare statistics."""
        authors = list(
            User.objects.filter(email__endswith=f".{self.tag}@{DEMO_DOMAIN}", role=User.Role.CUSTOMER).values_list(
                "id", flat=True
            )
        )
        if not authors:
            return
        rng = self.review_rng
        rows: list[dict[str, Any]] = []
        for mechanic_id, ratings in zip(self.review_mechanic_ids, self.review_ratings, strict=True):
            for rating in ratings:
                rows.append(
                    {
                        "mechanic_id": mechanic_id,
                        "customer_id": rng.choice(authors),
                        "session_key": None,
                        "rating": rating,
                        "comment": rng.choice(REVIEW_COMMENTS) if rng.random() < COMMENT_SHARE else "",
                        "created_at": self.now - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1439)),
                    }
                )
            if len(rows) >= BATCH:
                insert_rows(Review, rows)
                rows = []
        insert_rows(Review, rows)
