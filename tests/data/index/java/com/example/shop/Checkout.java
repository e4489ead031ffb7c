package com.example.shop;

/** Turns orders into payments. */
public interface Checkout {
  int MAX_RETRIES = 3;

  /** Charges the customer for `order`. */
  boolean pay(Order order);

  static Order sample() {
    Order o = new Order("sample");
    o.add("apple", 2);
    return o;
  }
}
