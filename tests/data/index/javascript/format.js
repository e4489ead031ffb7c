// Helpers shared by the report pages.

const path = require("path");

/** Number of decimals shown for money. */
export const DECIMALS = 2;
let cache = new Map();

/**
 * Formats an amount of money.
 * @param {number} amount
 */
export function formatMoney(amount, currency = "EUR") {
  return `${amount.toFixed(DECIMALS)} ${currency}`;
}

// Joins report file names.
export const reportPath = (name) => path.join("reports", name);
