import { User, Role, Repository, PAGE_SIZE } from "./models";
import * as fs from "fs";

namespace Audit {
  export function log(message: string): void {
    fs.appendFileSync("audit.log", message);
  }
}

/**
 * Looks users up and caches them.
 */
export class UserService implements Repository<User> {
  private cache = new Map<number, User>();

  constructor(private readonly pageSize: number = PAGE_SIZE) {}

  /** Finds a user by id. */
  async find(id: number): Promise<User | undefined> {
    Audit.log(`find ${id}`);
    return this.cache.get(id);
  }

  isAdmin(user: User, role: Role): boolean {
    return role === Role.Admin;
  }
}
