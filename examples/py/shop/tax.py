"""VAT rates and rounding (amounts are integer cents)."""

RATES: dict[str, int] = {"standard": 21, "reduced": 9, "zero": 0}


def vat_cents(net_cents: int, rate: str = "standard") -> int:
    """VAT on a net amount, rounded half up."""
    if rate not in RATES:
        raise KeyError(f"unknown VAT rate: {rate}")
    if net_cents < 0:
        raise ValueError("net amount must not be negative")
    return (net_cents * RATES[rate] + 50) // 100


def gross_cents(net_cents: int, rate: str = "standard") -> int:
    return net_cents + vat_cents(net_cents, rate)


def net_from_gross_cents(gross: int, rate: str = "standard") -> int:
    """The net amount whose VAT-inclusive amount is `gross`, rounded half up."""
    # TODO: implement (the example agent of `st3 run` writes this atom)
    raise NotImplementedError(f"net_from_gross_cents({gross}, {rate!r})")
