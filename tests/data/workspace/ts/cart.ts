import { formatPrice } from "./format";

export class Cart {
  private cents = 0;

  label(): string {
    return formatPrice(this.cents);
  }
}
