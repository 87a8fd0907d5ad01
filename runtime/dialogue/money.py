"""Money as people read it, and a rough budget tier for a daily amount."""

from __future__ import annotations

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# Rough USD value of one unit, only to pick a budget tier (not for prices shown to anyone).
USD_PER_UNIT = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "JPY": 0.0067,
    "AUD": 0.66,
    "CAD": 0.73,
    "CHF": 1.13,
    "NZD": 0.6,
    "INR": 0.012,
    "SEK": 0.095,
    "NOK": 0.093,
    "DKK": 0.145,
    "MXN": 0.055,
    "BRL": 0.19,
    "CNY": 0.14,
    "SGD": 0.74,
    "HKD": 0.128,
    "THB": 0.028,
    "ZAR": 0.054,
    "AED": 0.27,
    "TRY": 0.03,
    "PLN": 0.25,
    "CZK": 0.043,
    "KRW": 0.00073,
    # Rough orders of magnitude (2024-2026) for the other currencies travellers budget in.
    "TWD": 0.031,
    "MAD": 0.10,
    "EGP": 0.02,
    "ILS": 0.27,
    "SAR": 0.27,
    "QAR": 0.27,
    "ARS": 0.001,
    "CLP": 0.0011,
    "COP": 0.00025,
    "PEN": 0.27,
    "PHP": 0.017,
    "IDR": 0.000063,
    "MYR": 0.22,
    "VND": 0.00004,
    "KES": 0.0077,
    "TZS": 0.00039,
    "HUF": 0.0027,
    "RON": 0.22,
    "ISK": 0.0072,
    "RUB": 0.011,
    "LKR": 0.0033,
    "NPR": 0.0075,
    "PKR": 0.0036,
}
TIERS = ((80.0, "backpacker"), (220.0, "mid-range"), (float("inf"), "comfort"))


def format_money(amount: float, currency: str) -> str:
    """``1500, "USD"`` → ``"$1,500"``; ``90, "CHF"`` → ``"90 CHF"``."""
    number = f"{amount:,.0f}" if float(amount).is_integer() or amount >= 100 else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def budget_tier(daily: float, currency: str) -> str:
    """``backpacker``, ``mid-range`` or ``comfort`` from the daily budget."""
    usd = daily * USD_PER_UNIT.get(currency, 1.0)
    return next(name for limit, name in TIERS if usd < limit)
