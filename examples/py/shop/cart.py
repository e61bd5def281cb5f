"""A shopping cart that totals lines with their VAT rate."""

from dataclasses import dataclass, field

from shop.tax import gross_cents


@dataclass
class Line:
    sku: str
    unit_cents: int
    quantity: int = 1
    rate: str = "standard"

    def net(self) -> int:
        return self.unit_cents * self.quantity


@dataclass
class Cart:
    lines: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> None:
        for existing in self.lines:
            if existing.sku == line.sku and existing.rate == line.rate:
                existing.quantity += line.quantity
                return
        self.lines.append(line)

    def remove(self, sku: str) -> bool:
        before = len(self.lines)
        self.lines = [line for line in self.lines if line.sku != sku]
        return len(self.lines) != before

    def total_gross(self) -> int:
        return sum(gross_cents(line.net(), line.rate) for line in self.lines)
