package dev.profilekit.models.recommend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * An immutable implicit-feedback factorisation from {@link ImplicitAls}: user factors {@code x_u} and item factors
 * {@code y_i}; the predicted preference of user u for item i is {@code x_uᵀ y_i}, and the similarity of two items
 * is the cosine of their factors.
 *
 * <p>JSON: {@code {"format":"profilekit.implicit-als","version":1,"users":[..],"items":[..],
 * "userFactors":[[..]..],"itemFactors":[[..]..],"info":{..}}}; doubles round-trip exactly.
 */
public final class ImplicitAlsModel {

    static final String FORMAT = "profilekit.implicit-als";
    static final int VERSION = 1;

    private final String[] users;
    private final String[] items;
    private final double[][] userFactors;
    private final double[][] itemFactors;
    private final ModelInfo info;
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();

    ImplicitAlsModel(String[] users, String[] items, double[][] userFactors, double[][] itemFactors, ModelInfo info) {
        Checks.requireArgument(users.length == userFactors.length, "users (%d) and userFactors (%d rows) differ",
                users.length, userFactors.length);
        Checks.requireArgument(items.length == itemFactors.length, "items (%d) and itemFactors (%d rows) differ",
                items.length, itemFactors.length);
        Checks.requireArgument(itemFactors.length > 0, "itemFactors must have at least one row, was 0");
        int f = itemFactors[0].length;
        for (double[][] m : new double[][][] {userFactors, itemFactors}) {
            for (double[] row : m) {
                Checks.requireArgument(row.length == f, "every factor row must have %d columns, found %d", f, row.length);
            }
        }
        this.users = users;
        this.items = items;
        this.userFactors = userFactors;
        this.itemFactors = itemFactors;
        this.info = Checks.requireNonNull(info, "info");
        for (int u = 0; u < users.length; u++) {
            Checks.requireArgument(userIndex.put(users[u], u) == null, "user '%s' appears twice", users[u]);
        }
        for (int i = 0; i < items.length; i++) {
            Checks.requireArgument(itemIndex.put(items[i], i) == null, "item '%s' appears twice", items[i]);
        }
    }

    /** Number of latent factors. */
    public int factors() {
        return itemFactors[0].length;
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /** The user ids the model knows. */
    public List<String> users() {
        return List.of(users);
    }

    /** The item ids the model knows. */
    public List<String> items() {
        return List.of(items);
    }

    /** Whether the model has factors for {@code user}. */
    public boolean hasUser(String user) {
        return userIndex.containsKey(user);
    }

    /** A copy of the user's factors. */
    public double[] userFactors(String user) {
        return userFactors[user(user)].clone();
    }

    /** A copy of the item's factors. */
    public double[] itemFactors(String item) {
        return itemFactors[item(item)].clone();
    }

    private int user(String user) {
        Integer u = userIndex.get(user);
        Checks.requireArgument(u != null, "unknown user '%s'", user);
        return u;
    }

    private int item(String item) {
        Integer i = itemIndex.get(item);
        Checks.requireArgument(i != null, "unknown item '%s'", item);
        return i;
    }

    /** The predicted preference {@code x_uᵀ y_i}. */
    public double score(String user, String item) {
        return dot(userFactors[user(user)], itemFactors[item(item)]);
    }

    /**
     * The {@code k} items of largest predicted preference for {@code user}, best first (ties: lower item index).
     * O(items · factors + items · log k); items the user interacted with are included.
     *
     * @throws IllegalArgumentException if the user is unknown or k &lt; 1
     */
    public List<ScoredItem> recommend(String user, int k) {
        Checks.requireArgument(k >= 1, "k must be >= 1, was %d", k);
        double[] x = userFactors[user(user)];
        double[] s = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            s[i] = dot(x, itemFactors[i]);
        }
        return top(s, k, -1);
    }

    /** The cosine of the two items' factors (0 when one is zero). */
    public double similarity(String a, String b) {
        return cosine(itemFactors[item(a)], itemFactors[item(b)]);
    }

    /** The {@code k} items most similar to {@code item} by {@link #similarity}, the item itself left out. */
    public List<ScoredItem> similarItems(String item, int k) {
        Checks.requireArgument(k >= 1, "k must be >= 1, was %d", k);
        int self = item(item);
        double[] s = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            s[i] = cosine(itemFactors[self], itemFactors[i]);
        }
        return top(s, k, self);
    }

    private List<ScoredItem> top(double[] s, int k, int skip) {
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> s[a] != s[b] ? Double.compare(s[a], s[b])
                : Integer.compare(b, a));
        for (int i = 0; i < s.length; i++) {
            if (i == skip) {
                continue;
            }
            heap.add(i);
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<ScoredItem> out = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            int i = heap.poll();
            out.add(new ScoredItem(items[i], s[i]));
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += a[c] * b[c];
        }
        return s;
    }

    private static double cosine(double[] a, double[] b) {
        double n = Math.sqrt(dot(a, a) * dot(b, b));
        return n == 0 ? 0 : dot(a, b) / n;
    }

    /** The versioned JSON form; {@link #fromJson(String)} restores an equal model. */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.set("users", JsonCodec.strings(users));
        root.set("items", JsonCodec.strings(items));
        root.set("userFactors", JsonCodec.matrix(userFactors));
        root.set("itemFactors", JsonCodec.matrix(itemFactors));
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /**
     * Reads a model written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not a {@code profilekit.implicit-als} version 1 object
     */
    public static ImplicitAlsModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        String[] users = JsonCodec.readStrings(root, "users");
        double[][] userFactors = users.length == 0 ? new double[0][] : JsonCodec.readMatrix(root, "userFactors");
        return new ImplicitAlsModel(users, JsonCodec.readStrings(root, "items"), userFactors,
                JsonCodec.readMatrix(root, "itemFactors"), ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImplicitAlsModel m && Arrays.equals(users, m.users) && Arrays.equals(items, m.items)
                && Arrays.deepEquals(userFactors, m.userFactors) && Arrays.deepEquals(itemFactors, m.itemFactors)
                && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(users), Arrays.hashCode(items), Arrays.deepHashCode(userFactors),
                Arrays.deepHashCode(itemFactors), info);
    }

    @Override
    public String toString() {
        return "ImplicitAlsModel[users=" + users.length + ", items=" + items.length + ", factors=" + factors()
                + ", algorithm=" + info.algorithm() + "]";
    }
}
