package dev.profilekit.models.recommend;

import dev.profilekit.features.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable sparse matrix of implicit-feedback weights {@code r_ui > 0}, user ids by item ids, stored twice
 * (compressed rows by user and by item) for the two half-steps of {@link ImplicitAls}. Weights added twice for
 * the same pair are summed. Users and items are numbered in order of first appearance.
 */
public final class Interactions {

    final String[] users;
    final String[] items;
    final int[] userStart;
    final int[] userItems;
    final double[] userWeights;
    final int[] itemStart;
    final int[] itemUsers;
    final double[] itemWeights;

    private Interactions(String[] users, String[] items, int[] u, int[] i, double[] w, int n) {
        this.users = users;
        this.items = items;
        this.userStart = new int[users.length + 1];
        this.userItems = new int[n];
        this.userWeights = new double[n];
        this.itemStart = new int[items.length + 1];
        this.itemUsers = new int[n];
        this.itemWeights = new double[n];
        compress(u, i, w, n, userStart, userItems, userWeights);
        compress(i, u, w, n, itemStart, itemUsers, itemWeights);
    }

    private static void compress(int[] row, int[] col, double[] w, int n, int[] start, int[] cols, double[] vals) {
        for (int q = 0; q < n; q++) {
            start[row[q] + 1]++;
        }
        for (int r = 0; r + 1 < start.length; r++) {
            start[r + 1] += start[r];
        }
        int[] next = Arrays.copyOf(start, start.length - 1);
        for (int q = 0; q < n; q++) {
            int at = next[row[q]]++;
            cols[at] = col[q];
            vals[at] = w[q];
        }
    }

    /** Starts an empty set of interactions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of users. */
    public int users() {
        return users.length;
    }

    /** Number of items. */
    public int items() {
        return items.length;
    }

    /** Number of distinct (user, item) pairs. */
    public int size() {
        return userItems.length;
    }

    /** The user ids, in index order. */
    public List<String> userIds() {
        return List.of(users);
    }

    /** The item ids, in index order. */
    public List<String> itemIds() {
        return List.of(items);
    }

    /** The weight of (user index, item index), 0 when absent. */
    public double weight(int user, int item) {
        Checks.requireArgument(user >= 0 && user < users.length, "user must be in [0, %d), was %d", users.length, user);
        Checks.requireArgument(item >= 0 && item < items.length, "item must be in [0, %d), was %d", items.length, item);
        for (int q = userStart[user]; q < userStart[user + 1]; q++) {
            if (userItems[q] == item) {
                return userWeights[q];
            }
        }
        return 0;
    }

    /** Accumulates weights; not thread-safe. */
    public static final class Builder {
        private final Map<String, Integer> users = new HashMap<>();
        private final Map<String, Integer> items = new HashMap<>();
        private final List<String> userNames = new ArrayList<>();
        private final List<String> itemNames = new ArrayList<>();
        private final Map<Long, Integer> pairs = new HashMap<>();
        private int[] u = new int[16];
        private int[] i = new int[16];
        private double[] w = new double[16];
        private int n;

        private Builder() {
        }

        /**
         * Adds {@code weight} to the pair (user, item).
         *
         * @throws IllegalArgumentException if an id is null or the weight is not finite and {@code > 0}
         */
        public Builder add(String user, String item, double weight) {
            Checks.requireNonNull(user, "user");
            Checks.requireNonNull(item, "item");
            Checks.requireArgument(weight > 0 && Double.isFinite(weight),
                    "weight of (%s, %s) must be finite and > 0, was %s", user, item, weight);
            int ui = users.computeIfAbsent(user, x -> {
                userNames.add(x);
                return userNames.size() - 1;
            });
            int ii = items.computeIfAbsent(item, x -> {
                itemNames.add(x);
                return itemNames.size() - 1;
            });
            long key = ((long) ui << 32) | ii;
            Integer at = pairs.get(key);
            if (at != null) {
                w[at] += weight;
                return this;
            }
            if (n == u.length) {
                u = Arrays.copyOf(u, 2 * n);
                i = Arrays.copyOf(i, 2 * n);
                w = Arrays.copyOf(w, 2 * n);
            }
            u[n] = ui;
            i[n] = ii;
            w[n] = weight;
            pairs.put(key, n++);
            return this;
        }

        /** The interactions. */
        public Interactions build() {
            return new Interactions(userNames.toArray(new String[0]), itemNames.toArray(new String[0]), u, i, w, n);
        }
    }
}
