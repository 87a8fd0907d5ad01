"""What travellers call money: ISO 4217 codes and the names people write for them.

``"40000 mexican pesos"``, ``"9000 brazilian reais"``, ``"6000 moroccan dirhams"``,
``"50000 twd"``: every currency a traveller is likely to budget in, by its code and by its
country's adjective with the unit's singular and plural ("new taiwan dollars", "vietnamese
dong"). A bare unit keeps the meaning it has most often in English travel talk ("dollars" is
USD, "pesos" MXN, "dirhams" AED, "francs" CHF, "rupees" INR, "kronor" SEK, "kroner" NOK); the
adjective says otherwise. Codes that are everyday English words ("all", "top", "try", "cup",
"pen", "mad", ...) count only in capitals ("500 TRY"), so "try 500" or "all 300" stay words.
Codes and unit names follow ISO 4217 (the list maintained by SIX on behalf of ISO).
"""

from __future__ import annotations

from typing import Final

#: code, the adjectives people put before the unit, the unit's singular and plural.
_NAMED: Final[tuple[tuple[str, tuple[str, ...], str, str], ...]] = (
    ("USD", ("us", "u.s.", "american"), "dollar", "dollars"),
    ("CAD", ("canadian",), "dollar", "dollars"),
    ("AUD", ("australian", "aussie"), "dollar", "dollars"),
    ("NZD", ("new zealand", "nz", "kiwi"), "dollar", "dollars"),
    ("HKD", ("hong kong", "hk"), "dollar", "dollars"),
    ("SGD", ("singapore", "singaporean"), "dollar", "dollars"),
    ("TWD", ("taiwan", "taiwanese", "new taiwan"), "dollar", "dollars"),
    ("JMD", ("jamaican",), "dollar", "dollars"),
    ("FJD", ("fiji", "fijian"), "dollar", "dollars"),
    ("NAD", ("namibian", "namibia"), "dollar", "dollars"),
    ("XCD", ("east caribbean",), "dollar", "dollars"),
    ("BSD", ("bahamian",), "dollar", "dollars"),
    ("TTD", ("trinidad", "trinidad and tobago"), "dollar", "dollars"),
    ("EUR", (), "euro", "euros"),
    ("GBP", ("british", "sterling"), "pound", "pounds"),
    ("EGP", ("egyptian",), "pound", "pounds"),
    ("LBP", ("lebanese",), "pound", "pounds"),
    ("CHF", ("swiss",), "franc", "francs"),
    ("XOF", ("cfa", "west african cfa"), "franc", "francs"),
    ("XAF", ("central african cfa",), "franc", "francs"),
    ("XPF", ("cfp", "pacific"), "franc", "francs"),
    ("MXN", ("mexican",), "peso", "pesos"),
    ("ARS", ("argentine", "argentinian"), "peso", "pesos"),
    ("CLP", ("chilean",), "peso", "pesos"),
    ("COP", ("colombian",), "peso", "pesos"),
    ("PHP", ("philippine", "filipino"), "peso", "pesos"),
    ("UYU", ("uruguayan",), "peso", "pesos"),
    ("DOP", ("dominican",), "peso", "pesos"),
    ("CUP", ("cuban",), "peso", "pesos"),
    ("BRL", ("brazilian",), "real", "reais"),
    ("PEN", ("peruvian",), "sol", "soles"),
    ("BOB", ("bolivian",), "boliviano", "bolivianos"),
    ("PYG", ("paraguayan",), "guarani", "guaranis"),
    ("CRC", ("costa rican",), "colon", "colones"),
    ("GTQ", ("guatemalan",), "quetzal", "quetzales"),
    ("JPY", ("japanese",), "yen", "yen"),
    ("CNY", ("chinese",), "yuan", "yuan"),
    ("KRW", ("korean", "south korean"), "won", "won"),
    ("INR", ("indian",), "rupee", "rupees"),
    ("LKR", ("sri lankan", "sri lanka"), "rupee", "rupees"),
    ("NPR", ("nepalese", "nepali"), "rupee", "rupees"),
    ("PKR", ("pakistani",), "rupee", "rupees"),
    ("MUR", ("mauritian",), "rupee", "rupees"),
    ("IDR", ("indonesian",), "rupiah", "rupiah"),
    ("MYR", ("malaysian",), "ringgit", "ringgit"),
    ("THB", ("thai",), "baht", "baht"),
    ("VND", ("vietnamese",), "dong", "dong"),
    ("KHR", ("cambodian",), "riel", "riels"),
    ("LAK", ("lao", "laotian"), "kip", "kip"),
    ("MMK", ("burmese", "myanmar"), "kyat", "kyats"),
    ("BDT", ("bangladeshi",), "taka", "taka"),
    ("MNT", ("mongolian",), "tugrik", "tugriks"),
    ("KZT", ("kazakh", "kazakhstani"), "tenge", "tenge"),
    ("UZS", ("uzbek",), "sum", "sum"),
    ("GEL", ("georgian",), "lari", "lari"),
    ("AMD", ("armenian",), "dram", "drams"),
    ("AZN", ("azerbaijani",), "manat", "manats"),
    ("TRY", ("turkish",), "lira", "liras"),
    ("ILS", ("israeli",), "shekel", "shekels"),
    ("JOD", ("jordanian",), "dinar", "dinars"),
    ("KWD", ("kuwaiti",), "dinar", "dinars"),
    ("BHD", ("bahraini",), "dinar", "dinars"),
    ("TND", ("tunisian",), "dinar", "dinars"),
    ("RSD", ("serbian",), "dinar", "dinars"),
    ("MKD", ("macedonian",), "denar", "denars"),
    ("AED", ("uae", "emirati"), "dirham", "dirhams"),
    ("MAD", ("moroccan",), "dirham", "dirhams"),
    ("SAR", ("saudi",), "riyal", "riyals"),
    ("QAR", ("qatari",), "riyal", "riyals"),
    ("OMR", ("omani",), "rial", "rials"),
    ("ZAR", ("south african",), "rand", "rand"),
    ("KES", ("kenyan",), "shilling", "shillings"),
    ("TZS", ("tanzanian",), "shilling", "shillings"),
    ("UGX", ("ugandan",), "shilling", "shillings"),
    ("NGN", ("nigerian",), "naira", "naira"),
    ("GHS", ("ghanaian",), "cedi", "cedis"),
    ("ETB", ("ethiopian",), "birr", "birr"),
    ("BWP", ("botswana",), "pula", "pula"),
    ("ZMW", ("zambian",), "kwacha", "kwacha"),
    ("MGA", ("malagasy",), "ariary", "ariary"),
    ("SEK", ("swedish",), "krona", "kronor"),
    ("NOK", ("norwegian",), "krone", "kroner"),
    ("DKK", ("danish",), "krone", "kroner"),
    ("ISK", ("icelandic",), "krona", "kronur"),
    ("CZK", ("czech",), "koruna", "korunas"),
    ("PLN", ("polish",), "zloty", "zlotys"),
    ("HUF", ("hungarian",), "forint", "forints"),
    ("RON", ("romanian",), "leu", "lei"),
    ("BGN", ("bulgarian",), "lev", "leva"),
    ("RUB", ("russian",), "ruble", "rubles"),
    ("UAH", ("ukrainian",), "hryvnia", "hryvnias"),
)

#: A unit named without its country, as English travel talk most often means it.
_BARE_UNITS: Final = {
    "dollar": "USD",
    "euro": "EUR",
    "pound": "GBP",
    "franc": "CHF",
    "peso": "MXN",
    "real": "BRL",
    "yen": "JPY",
    "yuan": "CNY",
    "won": "KRW",
    "rupee": "INR",
    "rupiah": "IDR",
    "ringgit": "MYR",
    "baht": "THB",
    "dong": "VND",
    "lira": "TRY",
    "shekel": "ILS",
    "dirham": "AED",
    "rand": "ZAR",
    "krona": "SEK",
    "krone": "NOK",
    "koruna": "CZK",
    "zloty": "PLN",
    "forint": "HUF",
    "ruble": "RUB",
    "shilling": "KES",
    "naira": "NGN",
    "cedi": "GHS",
}

#: Slang and older names that are unambiguous.
_OTHER_WORDS: Final = {
    "bucks": "USD",
    "quid": "GBP",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "rmb": "CNY",
    "renminbi": "CNY",
    "korunas": "CZK",
    "reals": "BRL",
}

#: ISO codes that are everyday English words: read only in capitals.
ENGLISH_WORD_CODES: Final = frozenset(
    {"all", "top", "try", "cup", "pen", "mad", "bob", "sos", "gel", "mop", "bam", "mur"}
)  # fmt: skip


def _words() -> dict[str, str]:
    words: dict[str, str] = {}
    for code, adjectives, singular, plural in _NAMED:
        for adjective in adjectives:
            words.setdefault(f"{adjective} {singular}", code)
            words.setdefault(f"{adjective} {plural}", code)
        if code.lower() not in ENGLISH_WORD_CODES:
            words.setdefault(code.lower(), code)
    for unit, code in _BARE_UNITS.items():
        plural = next((p for c, _, s, p in _NAMED if s == unit), f"{unit}s")
        words.setdefault(unit, code)
        words.setdefault(plural, code)
    words.update(_OTHER_WORDS)
    return words


#: Lower-case currency word or phrase -> ISO 4217 code.
CURRENCY_WORDS: Final = _words()
#: Codes written in capitals, every code included ("500 TRY", "1000 CAD").
CURRENCY_CODES: Final = frozenset(code for code, *_ in _NAMED)
