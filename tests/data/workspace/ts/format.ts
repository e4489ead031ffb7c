/** Formats an amount of cents as a price. */
export function formatPrice(cents: number): string {
  return (cents / 100).toFixed(2);
}
