"""ISO 3166-1 alpha-2 country codes, plus EU for the European Union."""

from functools import cache

import pycountry

# "EU" is exceptionally reserved by ISO for the European Union, which makes
# demands of platforms as one government (the DSA, for example).
EXTRA = {"EU": "European Union", "XK": "Kosovo"}


@cache
def country_names() -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(EXTRA)
    return dict(sorted(names.items(), key=lambda item: item[1]))


COUNTRY_CHOICES = list(country_names().items())
COUNTRY_CODES = sorted(country_names())


def country_name(code: str) -> str:
    return country_names().get((code or "").upper(), code or "")
