import fs from "fs";

const VERSION = "1.0";
let counter = 0;
var legacy = true;

export function greet(name) {
  const message = `hi ${name}`;
  return message;
}

export class Greeter {
  count = 0;

  constructor(prefix) {
    this.prefix = prefix;
  }

  greet(name) {
    return this.prefix + name;
  }

  static create() {
    return new Greeter("");
  }
}

const add = (a, b) => a + b;

function* ids() {
  yield 1;
}
