import { readFile } from "fs";

export interface Shape {
  name: string;
  area(): number;
}

type Id = string | number;

enum Direction {
  Up = 1,
  Down,
}

export abstract class Base implements Shape {
  name = "base";
  private readonly id: Id = 0;

  constructor(id: Id) {
    this.id = id;
  }

  abstract area(): number;

  describe(): string {
    return this.name;
  }
}

export const square = (n: number): number => n * n;

namespace Util {
  export function log(msg: string): void {
    console.log(msg);
  }
}

function main(): void {
  const inner = 1;
}
