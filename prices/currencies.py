from functools import cache

import pycountry


@cache
def _known_codes():
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def is_known_currency(code):
    """True for an ISO 4217 alphabetic code such as USD, EUR or GBP."""
    return code in _known_codes()
