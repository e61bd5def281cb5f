from shop.cart import Cart, Line


def test_merges_lines_of_the_same_sku_and_rate() -> None:
    cart = Cart()
    cart.add(Line("mug", 500, 1))
    cart.add(Line("mug", 500, 2))
    assert len(cart.lines) == 1
    assert cart.lines[0].quantity == 3


def test_totals_gross_per_rate() -> None:
    cart = Cart()
    cart.add(Line("mug", 1000))
    cart.add(Line("book", 1000, rate="reduced"))
    assert cart.total_gross() == 2300


def test_remove() -> None:
    cart = Cart([Line("mug", 100)])
    assert cart.remove("mug") is True
    assert cart.remove("mug") is False
