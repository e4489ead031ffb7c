import os.path
from typing import List
from .pricing import Item, with_vat
from . import pricing as p


class Basket:
    # Maximum number of lines in one basket.
    MAX_LINES = 50

    def __init__(self, owner: str):
        self.owner = owner
        self.items: List[Item] = []

    def add(self, item: Item) -> None:
        if len(self.items) >= self.MAX_LINES:
            raise ValueError("basket full")
        self.items.append(item)

    def checkout(self):
        subtotal = sum(i.total() for i in self.items)
        return with_vat(subtotal, p.VAT_RATE)


def load(path):
    def parse(line):
        return line.split(",")
    with open(os.path.join("data", path)) as f:
        return [parse(line) for line in f]
