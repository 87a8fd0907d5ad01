"""A corpus of personal data that must never reach a log line (and travel talk that must survive).

Each entry is a phrase a user might type and the sensitive value inside it; the value is what
tests look for in logs and stored turns. Card numbers are the payment networks' published test
numbers (Luhn-valid, never issued); IBANs are the standard documentation examples (mod-97
valid); phone numbers are from ranges reserved for fiction (555-01xx, Ofcom's 020 7946 0xxx);
the SSN and National Insurance number are well-formed but of the documentation kind.
"""

from __future__ import annotations

from typing import NamedTuple


class Pii(NamedTuple):
    """A phrase containing ``value`` of ``kind``."""

    kind: str
    phrase: str
    value: str

    @property
    def evidence(self) -> set[str]:
        """What a log must not contain: the value as typed and, for a long number, its digits.

        A value too short to be told apart from other numbers in a log (a CVV) is looked for
        with the words around it.
        """
        if len(self.value) < 6:
            return {self.phrase}
        digits = "".join(char for char in self.value if char.isdigit())
        return {self.value} | ({digits} if len(digits) >= 9 else set())


CORPUS: tuple[Pii, ...] = (
    Pii("CARD", "book it on my visa 4111 1111 1111 1111 please", "4111 1111 1111 1111"),
    Pii("CARD", "card 5555-5555-5555-4444 exp 11/29", "5555-5555-5555-4444"),
    Pii("CARD", "amex 378282246310005", "378282246310005"),
    Pii("CARD", "pay with 4012888888881881 cvv 737", "4012888888881881"),
    Pii("CVV", "the cvv is 737", "737"),
    Pii("EMAIL", "send the plan to jane.doe+trips@example.co.uk", "jane.doe+trips@example.co.uk"),
    Pii("EMAIL", "my email: Jose.Garcia@mail.example.com", "Jose.Garcia@mail.example.com"),
    Pii("PHONE", "call me on +1 415-555-0123", "415-555-0123"),
    Pii("PHONE", "or (415) 555-0187 after six", "555-0187"),
    Pii("PHONE", "my UK number is +44 20 7946 0958", "7946 0958"),
    Pii("PHONE", "mobile 06 12 34 56 78", "06 12 34 56 78"),
    Pii("PHONE", "text 4155550142 when you land", "4155550142"),
    Pii("IBAN", "refund to GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
    Pii("IBAN", "iban DE89370400440532013000 thanks", "DE89370400440532013000"),
    Pii("SSN", "my ssn is 536-22-8714", "536-22-8714"),
    Pii("SSN", "social 219 09 9999 ok", "219 09 9999"),
    Pii("NATIONAL_ID", "NI number AB 12 34 56 C", "AB 12 34 56 C"),
    Pii("NATIONAL_ID", "passport number X12345678", "X12345678"),
)

#: Messages full of numbers that are not personal data: they must come through unchanged.
TRAVEL_TALK: tuple[str, ...] = (
    "plan a 5 day trip to Lisbon with $1500",
    "find flights from London to Rome on 2027-05-04",
    "fly out 2027-05-04 2027-05-12 if possible",
    "budget 2000 EUR, flight BA2490 at 10:30 on 05/04/2027",
    "a week in Tokyo for 150000 yen",
    "two adults and 3 kids, 14 nights, 1,500,000 won",
    "my passport is ready",
    "is 12/25 a good date for Paris?",
    "weather in Oslo at 7am",
)
