"""Price calculations for the shop."""

from dataclasses import dataclass
from decimal import Decimal

# Value-added tax applied to every order.
VAT_RATE = Decimal("0.20")
default_currency = "EUR"


@dataclass
class Item:
    """A line in a basket."""

    name: str
    price: Decimal
    quantity: int = 1

    def total(self) -> Decimal:
        """Price times quantity."""
        return self.price * self.quantity


def with_vat(amount: Decimal, rate: Decimal = VAT_RATE) -> Decimal:
    """Adds VAT to `amount`.

    The rate defaults to VAT_RATE.
    """
    return amount * (1 + rate)
