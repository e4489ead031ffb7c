import os
from typing import List

MAX_SIZE = 100
default_name = "x"


class Animal:
    sound = "..."

    def __init__(self, name: str):
        self.name = name

    @property
    def loud(self) -> str:
        local = self.sound.upper()
        return local

    class Inner:
        pass


@decorator
def helper(a, b=2):
    total = a + b

    def nested():
        return total

    return nested


async def fetch(url):
    return url
