"""Turn an owner's free-text concern ("my tranny slips and the CEL is on") into taxonomy slugs.

Why it looks like this: the platform this replaces ran substring regexes, so "ac" fired on
"back"/"black", "cel" on "cancel"/"excellent" and "alarming noise" booked an alarm install.
Here everything works on *tokens*: the text is lower-cased, accent-folded and split on word
boundaries, and phrases are matched as token sequences (longest match wins, so "check engine
light" does not also count as "engine", and "remote starter" does not count as "starter").

The words are data (mechmatch/core/data/concerns/*.toml, read by `lexicon`); the pipeline, one
module per step, compiled once per process on first use, then a few dict lookups per token:
  1. fold + tokenise, gluing English contractions: won't -> wont (core/text.py)
  2. spelling repair per token: explicit misspelling table, then bounded Damerau-Levenshtein
     against the phrase vocabulary, never for short tokens or known real words (`spelling`)
  3. longest-match phrase scan; "block" phrases (break-in, take a break, tire of) swallow
     their tokens and emit nothing (`index`)
  4. DTC codes (P0420...) mapped by family (`dtc`)
  5. context rules: brand + coding intent -> brand tooling, buy + inspect -> pre-purchase,
     EV context turns "charging"/bare "battery" into ev_hybrid, Tesla -> tesla_diagnostics
     (`context`)
  6. reply language from function words (`language`)
"""

from mechmatch.core.concerns.analysis import ConcernAnalysis, analyse_concern, clear_caches, extract_keywords

__all__ = ["ConcernAnalysis", "analyse_concern", "clear_caches", "extract_keywords"]
