package com.example.shop;

import java.util.ArrayList;
import java.util.List;
import static java.util.Objects.*;

/**
 * An order placed by a customer.
 */
public class Order implements Comparable<Order> {
  /** Orders above this total ship for free. */
  public static final int FREE_SHIPPING = 100;

  private final List<Line> lines = new ArrayList<>();

  /** One product and its quantity. */
  public record Line(String product, int quantity) {}

  public enum Status { OPEN, PAID, SHIPPED }

  public Order(String customer) {
    requireNonNull(customer);
  }

  // Adds a line to the order.
  public void add(String product, int quantity) {
    lines.add(new Line(product, quantity));
  }

  /**
   * Total number of items.
   *
   * @return the sum of all quantities
   */
  public int itemCount() {
    return lines.stream().mapToInt(Line::quantity).sum();
  }

  @Override
  public int compareTo(Order other) {
    return Integer.compare(itemCount(), other.itemCount());
  }
}
