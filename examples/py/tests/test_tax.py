import pytest

from shop.tax import gross_cents, vat_cents


def test_standard_rate_rounds_half_up() -> None:
    assert vat_cents(1000) == 210
    assert vat_cents(50) == 11


def test_reduced_and_zero_rates() -> None:
    assert gross_cents(1000, "reduced") == 1090
    assert gross_cents(1000, "zero") == 1000


def test_rejects_unknown_rate_and_negative_amounts() -> None:
    with pytest.raises(KeyError):
        vat_cents(100, "luxury")
    with pytest.raises(ValueError):
        vat_cents(-1)
