package com.example;

import java.util.List;
import java.util.ArrayList;

public class Library {
    private final List<String> books = new ArrayList<>();
    public static final int LIMIT = 10;

    public Library() {
    }

    public void add(String title) {
        books.add(title);
    }

    interface Listener {
        void onAdd(String title);
    }

    enum State { OPEN, CLOSED }

    record Entry(String title, int year) {
    }
}
