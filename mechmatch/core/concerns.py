"""Turn an owner's free-text concern ("my tranny slips and the CEL is on") into taxonomy slugs.

Why it looks like this: the platform this replaces ran substring regexes, so "ac" fired on
"back"/"black", "cel" on "cancel"/"excellent" and "alarming noise" booked an alarm install.
Here everything works on *tokens*: the text is lower-cased, accent-folded and split on word
boundaries, and phrases are matched as token sequences (longest match wins, so "check engine
light" does not also count as "engine", and "remote starter" does not count as "starter").

Pipeline (all tables are compiled once at import; a call is a few dict lookups per token):
  1. fold + tokenise (+ glue English contractions: won't -> wont)
  2. spelling repair per token: explicit misspelling table, then bounded Damerau-Levenshtein
     against the phrase vocabulary (never for short tokens, never for known real words)
  3. longest-match phrase scan; "block" phrases (break-in, take a break, tire of) swallow
     their tokens and emit nothing
  4. DTC codes (P0420...) mapped by family
  5. context rules: brand + coding intent -> brand tooling, buy + inspect -> pre-purchase,
     EV context turns "charging"/bare "battery" into ev_hybrid, Tesla -> tesla_diagnostics
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from mechmatch.core.brands import find_brands
from mechmatch.core.taxonomy import SERVICE_SLUGS, SLUG_ORDER

Language = Literal["en", "fr"]


@dataclass(slots=True)
class ConcernAnalysis:
    keywords: list[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)
    dtc_codes: list[str] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    language: Language = "en"


# ---------------------------------------------------------------------------------------------
# Phrase tables. Written in natural spelling (accents, apostrophes, hyphens allowed): every
# phrase goes through the same tokeniser as user text, so the two can never disagree.
# Markers starting with "_" are internal signals resolved by the context rules, never returned.
# ---------------------------------------------------------------------------------------------
_PHRASES: dict[str, tuple[str, ...]] = {
    "check_engine_light": (
        "check engine",
        "check engine light",
        "check-engine light",
        "cel",
        "mil",
        "ses light",
        "service engine soon",
        "engine light",
        "engine warning light",
        "malfunction indicator",
        "voyant moteur",
        "voyant check engine",
        "check engine light is flashing",
        "check engine light flashing",
        "flashing check engine",
        "flashing check engine light",
        "cel flashing",
        "flashing cel",
        "voyant du moteur",
        "lumière moteur",
        "lumière check engine",
        "témoin moteur",
        "check engine allumé",
        "lumiere du moteur",
    ),
    "abs_warning": (
        "abs",
        "abs light",
        "abs warning",
        "anti-lock",
        "antilock",
        "anti lock brake",
        "anti-lock brakes",
        "wheel speed sensor",
        "voyant abs",
        "traction control light",
    ),
    "airbag_light": (
        "airbag",
        "airbags",
        "air bag",
        "srs",
        "srs light",
        "airbag light",
        "coussin gonflable",
        "coussins gonflables",
        "voyant coussin",
        "voyant airbag",
    ),
    "transmission": (
        "transmission",
        "transmissions",
        "tranny",
        "trans",
        "gearbox",
        "gear box",
        "clutch",
        "cvt",
        "torque converter",
        "shifting",
        "shifts hard",
        "hard shift",
        "hard shifts",
        "shift hard",
        "slipping gears",
        "slips out of gear",
        "jumps out of gear",
        "won't go into gear",
        "atf",
        "transmission fluid",
        "boîte de vitesse",
        "boîte de vitesses",
        "boîte automatique",
        "boite manuelle",
        "embrayage",
        "transmission qui glisse",
        "change pas de vitesse",
        "shifter",
        "gears grinding",
        "grinds gears",
        "grinding gears",
        "delayed engagement",
        "differential",
        "transfer case",
        "drivetrain",
        "engine revs but",
        "revs but",
        "revs up but",
        "doesn't move",
        "won't move",
        "doesn't go into gear",
        "pdk",
        "dsg",
        "won't shift",
        "doesn't shift",
        "not shifting",
        "gear slipping",
        "slipping out of gear",
        "slips between gears",
        "trans fluid",
        "passe pas les vitesses",
    ),
    "electrical": (
        "electrical",
        "electric problem",
        "wiring",
        "fuse",
        "fuses",
        "fuse box",
        "short circuit",
        "power window",
        "power windows",
        "power locks",
        "door locks",
        "central locking",
        "headlight",
        "headlights",
        "tail light",
        "taillight",
        "tail lights",
        "taillights",
        "dome light",
        "bulb",
        "lights flicker",
        "lights flickering",
        "flickering lights",
        "dash lights",
        "dashboard lights",
        "ecu",
        "bcm",
        "body control module",
        "parasitic drain",
        "battery drain",
        "électrique",
        "électricité",
        "fusible",
        "fusibles",
        "filage",
        "court-circuit",
        "phares",
        "phare",
        "vitres électriques",
        "window regulator",
        "window motor",
        "window won't go up",
        "wiper motor",
        "wipers stopped",
        "wipers don't",
        "wipers not working",
        "wipers won't",
        "instrument cluster",
        "gauges dead",
        "turn signal",
        "turn signals",
        "clignotant",
        "clignotants",
        "electronics",
        "key fob",
        "keyfob",
        "keyless entry",
        "remote key",
        "essuie-glaces fonctionnent",
        "essuie-glace fonctionne",
        "essuie-glaces marchent",
        "essuie-glace marche",
    ),
    "engine": (
        "engine",
        "engines",
        "motor",
        "moteur",
        "misfire",
        "misfires",
        "misfiring",
        "rough idle",
        "idles rough",
        "idle rough",
        "stalling",
        "stalls",
        "stalled",
        "knocking",
        "engine knock",
        "knock",
        "knocks",
        "ticking",
        "oil leak",
        "leaking oil",
        "leaks oil",
        "burning oil",
        "burns oil",
        "blue smoke",
        "loss of power",
        "lack of power",
        "losing power",
        "no power",
        "hesitation",
        "hesitates",
        "head gasket",
        "compression",
        "cylinder",
        "turbo",
        "turbocharger",
        "oil pressure",
        "oil light",
        "fuite d'huile",
        "perte de puissance",
        "cogne",
        "cognement",
        "moteur qui cogne",
        "serpentine belt",
        "drive belt",
        "belt squeal",
        "squealing belt",
        "valve cover",
        "rod knock",
        "engine mount",
        "motor mount",
        "engine mounts",
        "motor mounts",
        "ratés",
        "block heater",
        "turbo boost",
        "boost pressure",
        "oil consumption",
        "low compression",
        "check engine light is flashing",
        "check engine light flashing",
        "flashing check engine",
        "flashing check engine light",
        "cel flashing",
        "flashing cel",
        "squeaky belt",
        "belt squeak",
        "belt squeaks",
        "belt noise",
        "dies while driving",
        "dies at idle",
        "shuts off while driving",
        "cuts out while driving",
        "consomme de l'huile",
        "consomme beaucoup d'huile",
        "mange de l'huile",
        "brûle de l'huile",
        "vibrates at idle",
        "shakes at idle",
        "shaking at idle",
    ),
    "hvac": (
        "ac",
        "a/c",
        "air conditioning",
        "air conditioner",
        "aircon",
        "air con",
        "heater",
        "heater core",
        "no heat",
        "heat doesn't work",
        "heat not working",
        "heat isn't working",
        "heat is not working",
        "heat takes",
        "heat is weak",
        "heating",
        "heaters",
        "blower",
        "blower motor",
        "climate control",
        "defrost",
        "defroster",
        "defog",
        "freon",
        "refrigerant",
        "ac compressor",
        "compressor clutch",
        "ac compressor clutch",
        "hvac",
        "blowing hot air",
        "blowing warm air",
        "blows warm air",
        "blows hot air",
        "no cold air",
        "cold air",
        "chauffage",
        "climatisation",
        "air climatisé",
        "clim",
        "climatiseur",
        "dégivreur",
        "dégivrage",
        "ventilation",
        "ventilateur",
        "air conditionné",
        "airconditioning",
        "aircondition",
        "heated seats",
        "seat heater",
        "sièges chauffants",
        "chaufferette",
    ),
    "battery_starting": (
        "battery",
        "batteries",
        "batterie",
        "dead battery",
        "battery dead",
        "batterie morte",
        "batterie à plat",
        "batterie faible",
        "12v battery",
        "12 volt battery",
        "alternator",
        "alternateur",
        "starter",
        "starter motor",
        "démarreur",
        "won't start",
        "wont start",
        "doesn't start",
        "does not start",
        "won't crank",
        "no crank",
        "cranks but",
        "crank no start",
        "won't turn over",
        "doesn't turn over",
        "not starting",
        "won't start up",
        "hard to start",
        "hard starting",
        "hard start",
        "no start",
        "jump start",
        "jump-start",
        "boost",
        "boosted",
        "booster",
        "needs a boost",
        "just clicks",
        "only clicks",
        "clicks when i turn",
        "clicking when i turn",
        "click when i turn",
        "battery light",
        "battery is flat",
        "battery went flat",
        "battery flat",
        "flat battery",
        "battery keeps dying",
        "charging light",
        "ça démarre pas",
        "démarre pas",
        "démarre plus",
        "ne démarre pas",
        "veut pas démarrer",
        "part pas",
        "part plus",
        "won't fire",
        "engine cranks",
        "engine won't start",
        "engine wont turn over",
        "engine won't crank",
        "engine doesn't start",
        "slow to crank",
        "slow crank",
        "cranks slow",
        "cranks slowly",
        "slow cranking",
        "can't start",
        "cannot start",
        "fails to start",
        "didn't start",
    ),
    "brakes": (
        "brake",
        "brakes",
        "braking",
        "brake pad",
        "brake pads",
        "pads and rotors",
        "rotor",
        "rotors",
        "caliper",
        "calipers",
        "brake fluid",
        "brake line",
        "brake lines",
        "brake pedal",
        "brake light",
        "brake noise",
        "e-brake",
        "ebrake",
        "parking brake",
        "emergency brake",
        "handbrake",
        "frein",
        "freins",
        "plaquettes",
        "plaquettes de frein",
        "disques",
        "disques de frein",
        "étrier",
        "étriers",
        "frein à main",
        "break pad",
        "break pads",
        "break fluid",
        "break pedal",
        "break line",
        "break lines",
        "break light",
        "my break",
        "the break",
        "when breaking",
        "while breaking",
        "breaking noise",
        "breaking distance",
        "squeal when stopping",
        "grinding when stopping",
        "grinding when i stop",
        "squeaks when stopping",
        "squeals when stopping",
        "spongy pedal",
    ),
    "suspension": (
        "suspension",
        "shocks",
        "shock",
        "shock absorber",
        "shock absorbers",
        "strut",
        "struts",
        "control arm",
        "control arms",
        "ball joint",
        "ball joints",
        "sway bar",
        "sway bar link",
        "stabilizer link",
        "end link",
        "end links",
        "bushing",
        "bushings",
        "coil spring",
        "coil springs",
        "air suspension",
        "over bumps",
        "over bump",
        "speed bumps",
        "potholes",
        "pothole",
        "bouncy",
        "bouncing",
        "amortisseur",
        "amortisseurs",
        "rotule",
        "rotules",
        "bras de contrôle",
        "bruit de suspension",
        "suspension avant",
        "wheel bearing",
        "wheel bearings",
        "hub bearing",
        "roulement",
        "roulements",
        "clunk over",
        "clunking over",
        "nid de poule",
        "nids de poule",
        "lowering springs",
        "coilovers",
        "leaf spring",
        "leaf springs",
        "cv axle",
        "cv axles",
        "cv joint",
        "cv joints",
        "axle",
    ),
    "steering": (
        "steering",
        "power steering",
        "steering wheel",
        "tie rod",
        "tie rods",
        "rack and pinion",
        "steering rack",
        "pulls to the left",
        "pulls to the right",
        "pulling to the left",
        "pulling to the right",
        "pulls left",
        "pulls right",
        "pulls to one side",
        "pulling left",
        "pulling right",
        "pulling to one side",
        "alignment",
        "direction assistée",
        "volant",
        "le volant",
        "servodirection",
        "parallélisme",
        "hard to steer",
        "wanders",
        "tire à gauche",
        "tire à droite",
        "tire vers la gauche",
        "tire vers la droite",
        "tire d'un côté",
        "loose steering",
    ),
    "exhaust": (
        "exhaust",
        "exhaust leak",
        "muffler",
        "mufflers",
        "catalytic",
        "catalytic converter",
        "catalytic convertor",
        "cat converter",
        "cat convertor",
        "cat delete",
        "cat stolen",
        "o2 sensor",
        "oxygen sensor",
        "downpipe",
        "resonator",
        "échappement",
        "silencieux",
        "pot d'échappement",
        "convertisseur catalytique",
        "heat shield",
        "dpf",
        "def fluid",
        "def system",
        "adblue",
        "egr",
        "egr valve",
        "o2 sensor heater",
        "oxygen sensor heater",
        "emissions",
        "emissions test",
        "smog check",
        "smog test",
        "header",
        "headers",
        "sonde lambda",
        "sonde d'oxygène",
    ),
    "cooling": (
        "overheating",
        "overheat",
        "overheats",
        "overheated",
        "over heating",
        "coolant",
        "antifreeze",
        "radiator",
        "radiateur",
        "thermostat",
        "water pump",
        "temp gauge",
        "temperature gauge",
        "running hot",
        "runs hot",
        "aiguille de température",
        "température monte",
        "temp monte",
        "température du moteur",
        "surchauffe",
        "surchauffer",
        "refroidissement",
        "antigel",
        "liquide de refroidissement",
        "cooling fan",
        "radiator fan",
        "cooling system",
        "pompe à eau",
        "white smoke",
        "heating up",
        "heats up",
        "sweet smell",
        "coolant leak",
        "steam from the hood",
        "steaming",
    ),
    "fuel_system": (
        "fuel",
        "fuel pump",
        "fuel injector",
        "fuel injectors",
        "injector",
        "injectors",
        "fuel smell",
        "gas smell",
        "smell gas",
        "smell of gas",
        "smells like gas",
        "smells like fuel",
        "fuel leak",
        "gas leak",
        "leaking gas",
        "fuel economy",
        "gas mileage",
        "bad mileage",
        "fuel gauge",
        "fuel trim",
        "running lean",
        "runs lean",
        "running rich",
        "runs rich",
        "gas cap",
        "fuel cap",
        "evap",
        "throttle body",
        "mass air flow",
        "maf",
        "maf sensor",
        "carburetor",
        "carb",
        "injecteur",
        "injecteurs",
        "pompe à essence",
        "pompe à carburant",
        "odeur d'essence",
        "essence",
        "carburant",
        "consomme beaucoup",
        "fuel system",
        "purge valve",
        "fuel pressure",
        "injection",
        "fuel injection",
        "black smoke",
    ),
    "oil_change": (
        "oil change",
        "oil changes",
        "change the oil",
        "change my oil",
        "change oil",
        "oil changed",
        "oil service",
        "oil and filter",
        "oil filter",
        "vidange",
        "vidange d'huile",
        "changement d'huile",
        "changement huile",
        "synthetic oil",
        "oil life",
        "due for oil",
        "overdue for oil",
        "lube oil filter",
        "changer l'huile",
        "changer mon huile",
    ),
    "tires": (
        "tire",
        "tires",
        "tyre",
        "tyres",
        "flat tire",
        "flat tyre",
        "tpms",
        "tire pressure",
        "tire pressure light",
        "winter tires",
        "snow tires",
        "all season tires",
        "pneu",
        "pneus",
        "pneus d'hiver",
        "pneus d'été",
        "crevaison",
        "crevé",
        "tire rotation",
        "rotate my tires",
        "rotation",
        "balancing",
        "wheel balance",
        "tread",
        "rims",
        "flat",
        "tire swap",
        "tire change",
        "changement de pneus",
        "pose de pneus",
        "jantes",
        "pression des pneus",
        "slow leak",
    ),
    "timing_belt": (
        "timing belt",
        "timing chain",
        "timing belts",
        "timing chains",
        "cam belt",
        "cambelt",
        "courroie de distribution",
        "chaîne de distribution",
        "courroie distribution",
        "timing cover",
    ),
    "filters": (
        "filter",
        "filters",
        "air filter",
        "engine air filter",
        "cabin filter",
        "cabin air filter",
        "fuel filter",
        "pollen filter",
        "filtre",
        "filtres",
        "filtre à air",
        "filtre d'habitacle",
        "filtre habitacle",
        "filtre à essence",
    ),
    "spark_plugs": (
        "spark plug",
        "spark plugs",
        "sparkplug",
        "sparkplugs",
        "plugs",
        "ignition coil",
        "ignition coils",
        "coil pack",
        "coil packs",
        "coils",
        "bougie",
        "bougies",
        "bougies d'allumage",
        "bobine",
        "bobines",
        "bobine d'allumage",
        "tune up",
        "tune-up",
        "tuneup",
    ),
    "backup_camera": (
        "backup camera",
        "back up camera",
        "back-up camera",
        "rear camera",
        "reverse camera",
        "reversing camera",
        "rearview camera",
        "rear view camera",
        "rear-view camera",
        "backup cam",
        "back up cam",
        "reverse cam",
        "caméra de recul",
        "camera recul",
        "caméra arrière",
        "parking camera",
        "parking sensors",
        "backup sensors",
        "backupcamera",
        "rearcamera",
    ),
    "dashcam": (
        "dashcam",
        "dashcams",
        "dash cam",
        "dash cams",
        "dash camera",
        "dashboard camera",
        "caméra de tableau de bord",
        "caméra embarquée",
        "camera de bord",
        "dashcamera",
    ),
    "remote_starter": (
        "remote start",
        "remote starter",
        "remote starters",
        "remote car starter",
        "remote-start",
        "autostart",
        "auto start",
        "démarreur à distance",
        "démarreur distance",
        "démarrage à distance",
        "demarreur a distance",
        "starter à distance",
        "car starter",
        "auto starter",
        "block heater timer",
        "remotestart",
        "remotestarter",
    ),
    "audio": (
        "audio",
        "sound system",
        "speaker",
        "speakers",
        "subwoofer",
        "subwoofers",
        "amplifier",
        "head unit",
        "radio",
        "stereo",
        "carplay",
        "apple carplay",
        "android auto",
        "bluetooth",
        "infotainment",
        "touchscreen",
        "touch screen",
        "système de son",
        "haut-parleur",
        "haut-parleurs",
        "haut parleurs",
        "autoradio",
        "mmi",
        "idrive",
        "uconnect",
        "entune",
        "mylink",
        "infotainment screen",
        "navigation",
        "gps navigation",
        "navigation system",
    ),
    "gps_tracker": (
        "gps",
        "gps tracker",
        "gps tracking",
        "tracker",
        "tracking device",
        "vehicle tracker",
        "fleet tracking",
        "traceur",
        "traceur gps",
        "localisateur",
        "lojack",
    ),
    "alarm": (
        "alarm",
        "alarms",
        "car alarm",
        "alarm system",
        "anti-theft",
        "antitheft",
        "anti theft",
        "antivol",
        "alarme",
        "système d'alarme",
        "immobilizer",
        "immobiliser",
        "security system",
        "antidémarreur",
        "anti-démarreur",
    ),
    "bmw_coding": ("bimmercode", "e-sys", "esys", "ista", "bimmer coding", "bmw coding", "code my bmw"),
    "tesla_diagnostics": ("model 3", "model y", "model s", "model x", "cybertruck", "autopilot", "toybox"),
    "mercedes_star": (
        "star diagnosis",
        "star diagnostic",
        "star diagnostics",
        "xentry",
        "das xentry",
        "mercedes star",
        "star scan",
        "star c4",
        "sd connect",
    ),
    "audi_vcds": ("vcds", "vag-com", "vag com", "vagcom", "ross-tech", "ross tech", "obdeleven", "odis"),
    "porsche_piwis": ("piwis", "pwis", "porsche piwis"),
    "ev_hybrid": (
        "ev",
        "evs",
        "electric vehicle",
        "electric car",
        "electric truck",
        "hybrid",
        "hybrids",
        "phev",
        "plug-in hybrid",
        "plug in hybrid",
        "hybrid battery",
        "traction battery",
        "high voltage battery",
        "hv battery",
        "battery pack",
        "battery range",
        "battery degradation",
        "battery capacity",
        "charging port",
        "charge port",
        "level 2 charger",
        "j1772",
        "chademo",
        "ccs",
        "regen",
        "regenerative braking",
        "prius",
        "bolt ev",
        "nissan leaf",
        "leaf battery",
        "leaf ev",
        "ioniq 5",
        "ioniq",
        "mach-e",
        "mach e",
        "id.4",
        "id4",
        "e-tron",
        "etron",
        "taycan",
        "niro ev",
        "kona electric",
        "chevy volt",
        "chevrolet volt",
        "volt battery",
        "hybride",
        "véhicule électrique",
        "voiture électrique",
        "auto électrique",
        "borne de recharge",
        "batterie hybride",
        "batterie haute tension",
        "f-150 lightning",
        "ford lightning",
        "inverter",
        "onboard charger",
        "on-board charger",
        "ac charging",
        "ac charger",
    ),
    "pre_purchase_inspection": (
        "pre-purchase",
        "prepurchase",
        "pre purchase",
        "ppi",
        "pre-buy inspection",
        "prebuy",
        "inspection avant achat",
        "inspection pré-achat",
        "pré-achat",
        "avant achat",
        "used car inspection",
        "inspect a used car",
        "inspect the car before",
        "before i buy it",
        "before buying it",
        "before purchasing it",
        "before i purchase it",
    ),
    # Internal markers for the context rules.
    "_click": ("click", "clicks", "clicking", "clicky", "cliquer", "clique", "cliquetis"),
    "_key_turn": (
        "turn the key",
        "turning the key",
        "turn the ignition",
        "push start",
        "press start",
        "tourne la clé",
        "tourner la clé",
        "push the start button",
    ),
    "_coding": (
        "coding",
        "codage",
        "coder",
        "retrofit",
        "retrofits",
        "programming",
        "reprogram",
        "reprogramming",
        "code my",
        "code the",
        "code it",
        "feature activation",
        "activate features",
        "unlock features",
        "enable features",
        "hidden features",
    ),
    "_buy": (
        "buy",
        "buying",
        "purchase",
        "purchasing",
        "acheter",
        "achète",
        "achat",
        "seller",
        "vendeur",
        "private sale",
        "looking at a used",
        "test drive",
        "used car",
    ),
    "_inspect": (
        "inspect",
        "inspected",
        "inspection",
        "inspecting",
        "look it over",
        "look over",
        "looked over",
        "check it out",
        "checked out",
        "check it over",
        "inspecter",
        "vérifier",
        "vérifié",
        "examiner",
        "go over it",
        "looked at before",
    ),
    "_charge": (
        "charging",
        "charge",
        "charger",
        "won't charge",
        "range",
        "recharge",
        "recharger",
        "supercharger",
        "supercharging",
        "plug in",
        "plugs in",
        "plugged in",
        "charge lente",
        "se recharge pas",
    ),
    # Phrases that look like a keyword but are not one: they swallow their tokens.
    "_block": (
        "break in",
        "break-in",
        "breaking in",
        "take a break",
        "taking a break",
        "took a break",
        "need a break",
        "give me a break",
        "break even",
        "lucky break",
        "spring break",
        "coffee break",
        "lunch break",
        "breaks down",
        "broke down",
        "break down",
        "tire of",
        "tired of",
        "i tire",
        "alarming noise",
        "alarming sound",
        "engine of growth",
        "flat rate",
        "flat out",
        "flat fee",
        "range of",
        "price range",
        "in range",
        "in the range",
        "range from",
        "ranges from",
        "fuel my",
        "star rating",
        "5 star",
        "five star",
        "boost my",
        "sound like",
        "sounds like",
        "in charge",
        "free of charge",
        "no charge",
        "charge me",
        "charge you",
        "extra charge",
        "charges",
        "shock to",
        "in shock",
        "no shock",
        "pads of",
        "heads up",
        "body shop",
        "in essence",
        "knock on wood",
        "phone battery",
        "phone charger",
        "laptop battery",
        "motor vehicle",
        "motor vehicles",
        "search engine",
        "broke even",
        "trans am",
        "trans canada",
        "trans-canada",
        "breaking down",
        "breaks in",
        "on the flat",
        "flat rate",
    ),
}


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Misspellings that edit distance cannot (or must not) fix: short tokens, and real words used
# wrongly ("breaks" for "brakes" — the _block table already removed "breaks down").
_MISSPELLINGS: dict[str, str] = {
    "breaks": "brakes",
    "brakse": "brakes",
    "breakes": "brakes",
    "brak": "brake",
    "brkes": "brakes",
    "brakepads": "brake",
    "trany": "tranny",
    "transmision": "transmission",
    "transmition": "transmission",
    "tansmission": "transmission",
    "trasmission": "transmission",
    "transmisson": "transmission",
    "transmissoin": "transmission",
    "suspention": "suspension",
    "suspenion": "suspension",
    "alternater": "alternator",
    "altenator": "alternator",
    "alternatur": "alternator",
    "exaust": "exhaust",
    "exhast": "exhaust",
    "exhuast": "exhaust",
    "muffeler": "muffler",
    "mufler": "muffler",
    "batery": "battery",
    "battary": "battery",
    "batt": "battery",
    "bettery": "battery",
    "tirez": "tires",
    "tiers": "tires",
    "tirs": "tires",
    "rotars": "rotors",
    "calipars": "calipers",
    "enjine": "engine",
    "engin": "engine",
    "engien": "engine",
    "motar": "motor",
    "stearing": "steering",
    "steerin": "steering",
    "radiater": "radiator",
    "radiatior": "radiator",
    "thermastat": "thermostat",
    "thermostate": "thermostat",
    "coolent": "coolant",
    "antifreez": "antifreeze",
    "airbg": "airbag",
    "catalitic": "catalytic",
    "catylitic": "catalytic",
    "catalytik": "catalytic",
    "catalyitc": "catalytic",
    "frien": "frein",
    "freinz": "freins",
    "pneux": "pneus",
    "ingition": "ignition",
    "ignitoin": "ignition",
    "overheting": "overheating",
    "overheatting": "overheating",
    "ovearheating": "overheating",
    "overheatin": "overheating",
    "shocs": "shocks",
    "clucth": "clutch",
    "fule": "fuel",
    "feul": "fuel",
    "injecter": "injector",
    "injecters": "injectors",
    "timeing": "timing",
    "hybird": "hybrid",
    "hybryd": "hybrid",
}

# Real words that sit within edit distance of a vocabulary word and must not be "corrected"
# ("started" is one edit from "starter", "muffled" from "muffler", "filler" from "filter").
_COMMON_WORDS: frozenset[str] = _wordset("""
started starts starting changed changing charged parked parking making taking shaking heated heater
filler muffled breaking braked braking leaking leaning liking likely stopped stopping hopped
shopped shocked stocks stroke strokes plugged plugin plunge cooler colder coolers golden bolted
bolting tracks tracked tracking tracker trucker trucks timing tiring tiling hiring wiring firing
filling killing willing billing rolling rolling rotted rotter rotary motors motors motion
notion action factor tractor traction reactor actors actor engines engineer engineers
engaged engage enough people simple sample battle bottle bother brother mother father rather
better letter setter getter butter bitter litter latter matter hatter platter patter batter
steered steer steering stearns heard hearts header headers healer dealer dealers healed sealed
sealer chaser charge charger charges charging chargers changer change changes range ranger
ranges danger manger finger linger longer ginger banger hanger carburetor corrector correct
connect connected convert converted convertible converts inverted inverse invert expert
exhausted exhaustive exhausting seating seated beating heating heated eating treated
coating boating floating bloating breaded breadth spread shred shredded brakes brake
pressure presser dresser cooling cooking looking booking hooking hocking rocking docking
rocker docker locker locking locked clocked blocked clicked flicked tricked kicked picked
medical vertical critical magical logical physical typical radical tactical practical
excellent cancel cancelled canceled accord accords accorded according accordingly
alarming alarmed charming charmed farming warming warmed harming harmed
suspend suspense suspended suspect suspects suspected suspicion
transition translation transaction transform transfer transit transmit transmits transmitted
tension pension mention mentioned mansion passion fashion session version
startup stater stated states statement station stations status estate heading baking bracing raking
condition conditions conditional conditioned injected inspected tracing pacing racing
""")

# ---------------------------------------------------------------------------------------------
# Tokeniser
# ---------------------------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
# "a/c" must survive tokenisation as one token; so must "id.4"-style names via the regex above.
_AC_RE = re.compile(r"\ba\s*/\s*c\b")
# English contractions split by the tokeniser ("won't" -> won + t); glue them back so phrase
# tables can say "wont start" once and match "won't start", "wont start" and "won’t start".
_CONTRACTION_HEADS = frozenset(
    {
        "won",
        "can",
        "don",
        "doesn",
        "isn",
        "aren",
        "didn",
        "wasn",
        "weren",
        "wouldn",
        "couldn",
        "shouldn",
        "hasn",
        "haven",
        "ain",
    }
)


def _fold(text: str) -> str:
    if text.isascii():  # the common case; skips the per-character Unicode walk (hot path)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokenise(text: str) -> list[str]:
    folded = _AC_RE.sub(" ac ", _fold(text))
    raw = _TOKEN_RE.findall(folded)
    tokens: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok in _CONTRACTION_HEADS and i + 1 < len(raw) and raw[i + 1] == "t":
            tokens.append(tok + "t")
            i += 2
            continue
        tokens.append(tok)
        i += 1
    return tokens


# ---------------------------------------------------------------------------------------------
# Compiled phrase index: first token -> [(token tuple, slugs)], longest first. One phrase may
# belong to several slugs; identical phrases listed under two slugs are merged here.
# ---------------------------------------------------------------------------------------------
_Entry = tuple[tuple[str, ...], tuple[str, ...]]


def _compile() -> dict[str, list[_Entry]]:
    merged: dict[tuple[str, ...], list[str]] = {}
    for slug, phrases in _PHRASES.items():
        assert slug.startswith("_") or slug in SERVICE_SLUGS, slug
        for phrase in phrases:
            toks = tuple(_tokenise(phrase))
            if toks and slug not in merged.setdefault(toks, []):
                merged[toks].append(slug)
    index: dict[str, list[_Entry]] = {}
    for toks, slugs in merged.items():
        # A real keyword beats a block entry for the exact same tokens.
        real = tuple(s for s in slugs if s != "_block") or ("_block",)
        index.setdefault(toks[0], []).append((toks, real))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


_INDEX = _compile()
# Same index grouped by phrase length (longest first) so the scan does one dict lookup per
# candidate length instead of comparing against every phrase that shares a first token.
_BY_LENGTH: dict[str, tuple[tuple[int, dict[tuple[str, ...], tuple[str, ...]]], ...]] = {}
for _first, _entries in _INDEX.items():
    _tables: dict[int, dict[tuple[str, ...], tuple[str, ...]]] = {}
    for _toks, _slugs in _entries:
        _tables.setdefault(len(_toks), {})[_toks] = _slugs
    _BY_LENGTH[_first] = tuple(sorted(_tables.items(), reverse=True))
_VOCAB: frozenset[str] = frozenset(t for entries in _INDEX.values() for toks, _ in entries for t in toks)
# Fuzzy targets: alphabetic vocabulary words long enough that a one/two-letter slip is still
# unambiguous. Bucketed by length so a lookup only compares against plausible candidates.
_FUZZY_TARGETS: dict[int, tuple[str, ...]] = {}
for _word in sorted(_VOCAB):
    if len(_word) >= 5 and _word.isalpha():
        _FUZZY_TARGETS[len(_word)] = _FUZZY_TARGETS.get(len(_word), ()) + (_word,)
# Which slugs a word produces on its own, to decide whether a fuzzy tie is harmless.
_SINGLE_TOKEN_SLUGS: dict[str, frozenset[str]] = {
    toks[0]: frozenset(slugs) for entries in _INDEX.values() for toks, slugs in entries if len(toks) == 1
}


def _damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance with an early exit once every cell exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@lru_cache(maxsize=8192)
def _repair(token: str) -> str:
    """Best-effort spelling repair of one token; returns the token unchanged when unsure."""
    fixed = _MISSPELLINGS.get(token)
    if fixed is not None:
        return fixed
    # Short tokens are never fuzzed: "ac"/"cel"/"cat"/"tire" are exactly where substring and
    # fuzzy matchers produce nonsense. Known words (vocabulary or listed common words) are exact.
    # Tokens over 30 letters are not words; skipping them also keeps the cache small under abuse.
    if len(token) < 6 or len(token) > 30 or token in _KNOWN or not token.isalpha():
        return token
    limit = 2 if len(token) >= 9 else 1
    best: str | None = None
    best_distance = limit + 1
    tie = False
    for length in range(len(token) - limit, len(token) + limit + 1):
        for candidate in _FUZZY_TARGETS.get(length, ()):
            # Misspellings keep the first letter in practice; this also halves the work.
            if candidate[0] != token[0]:
                continue
            distance = _damerau_levenshtein(token, candidate, limit)
            if distance < best_distance:
                best, best_distance, tie = candidate, distance, False
            elif distance == best_distance and candidate != best:
                tie = True
    # Two equally close candidates (e.g. plural/singular) are fine only if they mean the same slug.
    if best is None or (tie and not _same_meaning_neighbours(token, best, best_distance, limit)):
        return token
    return best


def _same_meaning_neighbours(token: str, best: str, distance: int, limit: int) -> bool:
    slugs: set[str] = set()
    for length in range(len(token) - limit, len(token) + limit + 1):
        for candidate in _FUZZY_TARGETS.get(length, ()):
            if candidate[0] == token[0] and _damerau_levenshtein(token, candidate, limit) == distance:
                slugs |= _SINGLE_TOKEN_SLUGS.get(candidate, frozenset({"?" + candidate}))
    return len(slugs) == 1


# ---------------------------------------------------------------------------------------------
# DTC codes
# ---------------------------------------------------------------------------------------------
_DTC_RE = re.compile(r"\b([PBCU][0-3][0-9A-F]{3})\b", re.IGNORECASE)
_COOLANT_TEMP_CODES = frozenset(
    {"P0115", "P0116", "P0117", "P0118", "P0119", "P0125", "P0128", "P0217", "P0480", "P0481"}
)


def _dtc_slugs(code: str) -> tuple[str, ...]:
    """Slugs implied by one OBD-II code, by SAE family (J2012 ranges, coarse on purpose)."""
    system, family = code[0], code[1:3]
    if system == "P":
        if code in _COOLANT_TEMP_CODES:
            return ("check_engine_light", "cooling")
        if code[1] == "0" and code[2] == "A":  # P0Axx: hybrid/EV propulsion system
            return ("check_engine_light", "ev_hybrid")
        if family in ("04",) and code[3] in "23":  # P042x/P043x catalyst efficiency
            return ("check_engine_light", "exhaust")
        if family == "04":  # EGR / EVAP / secondary air
            evap = code[3] in "456"
            return ("check_engine_light", "fuel_system" if evap else "exhaust")
        if family == "03":
            # P030x-P031x misfire, P035x ignition coil: engine + plugs. Other P03xx are sensors.
            if code[3] in "015":
                return ("check_engine_light", "engine", "spark_plugs")
            return ("check_engine_light", "engine")
        if family in ("01", "02"):
            # P013x-P016x are oxygen sensors (exhaust side); the rest is fuel & air metering.
            if code[3] in "3456":
                return ("check_engine_light", "exhaust")
            return ("check_engine_light", "fuel_system")
        if family in ("07", "08", "09"):
            return ("check_engine_light", "transmission")
        if family == "05" and code[3] == "6":  # P056x system voltage
            return ("check_engine_light", "battery_starting")
        return ("check_engine_light",)
    if system == "C":
        return ("abs_warning",) if code[1] == "0" else ("brakes",)
    if system == "B":
        return ("airbag_light",) if family == "00" else ("electrical",)
    return ("electrical",)  # U codes: network / module communication


# ---------------------------------------------------------------------------------------------
# Language guess: enough to pick the reply language, not a general detector.
# ---------------------------------------------------------------------------------------------
_FR_MARKERS = _wordset("""le la les de du des est et pas mon ma mes je j ai une un avec pour qui que ca
il elle voiture char auto bonjour merci moteur freins frein quand fait bruit depuis sur dans mais tres
aussi plus pneus batterie allume allumee vitesse chauffage besoin salut svp voyant roule""")
_EN_MARKERS = _wordset("""the my is and it i to with of car when not hi hello thanks have has on in
but this that there what while after before need needs just like makes noise please truck""")


# Everyday words must never be "repaired" into vocabulary.
_KNOWN: frozenset[str] = _VOCAB | _COMMON_WORDS | frozenset(_MISSPELLINGS) | _FR_MARKERS | _EN_MARKERS


def _guess_language(tokens: list[str]) -> Language:
    fr = sum(1 for t in tokens if t in _FR_MARKERS)
    en = sum(1 for t in tokens if t in _EN_MARKERS)
    return "fr" if fr > en else "en"


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
_EV_BRANDS = frozenset({"Tesla", "Rivian", "Lucid", "Polestar", "Fisker", "VinFast"})
_CODING_BRAND_SLUG = {
    "BMW": "bmw_coding",
    "Audi": "audi_vcds",
    "Volkswagen": "audi_vcds",
    "Porsche": "porsche_piwis",
    "Mercedes-Benz": "mercedes_star",
}
# Evidence for battery_starting that, in an EV, means the traction battery rather than the 12 V one.
_BARE_BATTERY = frozenset({"battery", "batteries", "batterie", "battery dead", "dead battery"})


def _add(evidence: dict[str, list[str]], slug: str, phrase: str) -> None:
    phrases = evidence.setdefault(slug, [])
    if phrase not in phrases:
        phrases.append(phrase)


def analyse_concern(text: str | None) -> ConcernAnalysis:
    if not text or not text.strip():
        return ConcernAnalysis(keywords=[])
    raw = _tokenise(text)
    fixed = [_repair(t) for t in raw]
    evidence: dict[str, list[str]] = {}

    # Longest-match scan. Phrases are tried against the raw tokens and the spelling-repaired
    # ones; raw wins ties so block phrases ("breaks down") see what the owner actually typed.
    sequences = (raw,) if raw == fixed else (raw, fixed)
    i, n = 0, len(raw)
    while i < n:
        best: _Entry | None = None
        for seq in sequences:
            for size, table in _BY_LENGTH.get(seq[i], ()):
                if best is not None and size <= len(best[0]):
                    break  # longest-first; nothing longer remains for this sequence
                key = tuple(seq[i : i + size])
                found = table.get(key)
                if found is not None:
                    best = (key, found)
                    break
        if best is None:
            i += 1
            continue
        toks, slugs = best
        for slug in slugs:
            if slug != "_block":
                _add(evidence, slug, " ".join(toks))
        i += len(toks)

    dtc_codes: list[str] = []
    for match in _DTC_RE.finditer(text):
        code = match.group(1).upper()
        if code not in dtc_codes:
            dtc_codes.append(code)
            for slug in _dtc_slugs(code):
                _add(evidence, slug, code)

    brands = find_brands(text)
    _apply_context_rules(evidence, brands)

    keywords = sorted((s for s in evidence if not s.startswith("_")), key=SLUG_ORDER.__getitem__)
    return ConcernAnalysis(
        keywords=keywords,
        evidence={s: evidence[s] for s in keywords},
        dtc_codes=dtc_codes,
        brands=brands,
        language=_guess_language(raw),
    )


def _apply_context_rules(evidence: dict[str, list[str]], brands: list[str]) -> None:
    # Brand tooling: "coding" means nothing on its own, and a brand alone is not a tooling job.
    if "_coding" in evidence:
        for brand in brands:
            slug = _CODING_BRAND_SLUG.get(brand)
            if slug:
                _add(evidence, slug, f"{brand} + {evidence['_coding'][0]}")
    if "Tesla" in brands or "tesla_diagnostics" in evidence:
        _add(evidence, "tesla_diagnostics", "tesla")

    # "Clicks when I turn the key" is the classic weak-battery / bad-starter symptom.
    if "_click" in evidence and "_key_turn" in evidence:
        _add(evidence, "battery_starting", f"{evidence['_click'][0]} + {evidence['_key_turn'][0]}")

    # Pre-purchase: wanting to buy AND wanting it inspected.
    if "_buy" in evidence and "_inspect" in evidence:
        _add(evidence, "pre_purchase_inspection", f"{evidence['_buy'][0]} + {evidence['_inspect'][0]}")

    # EV context: charging/range talk and a bare "battery" are about the traction system.
    ev_context = "ev_hybrid" in evidence or "tesla_diagnostics" in evidence or bool(_EV_BRANDS & set(brands))
    if ev_context:
        if "_charge" in evidence:
            _add(evidence, "ev_hybrid", evidence["_charge"][0])
        battery = evidence.get("battery_starting")
        if battery and all(p in _BARE_BATTERY for p in battery):
            del evidence["battery_starting"]
            for phrase in battery:
                _add(evidence, "ev_hybrid", phrase)


def extract_keywords(text: str | None) -> list[str]:
    """Taxonomy slugs for a concern, in taxonomy order, deduplicated. [] for greetings/noise."""
    return analyse_concern(text).keywords
