/** A registered user. */
export interface User {
  id: number;
  name: string;
  /** Display name, or the name when unset. */
  displayName(): string;
}

/** Roles a user may have. */
export enum Role {
  Admin,
  Member = "member",
}

export type UserId = User["id"];

/** Default page size for listings. */
export const PAGE_SIZE = 50;

export abstract class Repository<T> {
  abstract find(id: number): Promise<T | undefined>;
}
