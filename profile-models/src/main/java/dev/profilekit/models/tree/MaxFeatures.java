package dev.profilekit.models.tree;

import dev.profilekit.features.Checks;

/**
 * How many randomly chosen features each split considers (the random-subspace step of Breiman's random forest):
 * {@link #sqrt()} (the forest default), {@link #log2()}, {@link #all()} (the single-tree default) or a
 * {@link #fixed(int)} count. As in scikit-learn, a drawn feature that is constant in the node does not count, so
 * the search goes on until that many non-constant features were examined (or all were drawn); if none of them
 * admits a split honouring {@code minSamplesLeaf}, the node stays a leaf.
 *
 * @param rule  {@code "sqrt"}, {@code "log2"}, {@code "all"} or {@code "fixed"}
 * @param count the count for {@code "fixed"} ({@code >= 1}), 0 for the other rules
 */
public record MaxFeatures(String rule, int count) {

    /** Validates the rule and count. */
    public MaxFeatures {
        Checks.requireNonNull(rule, "rule");
        Checks.requireArgument(rule.equals("sqrt") || rule.equals("log2") || rule.equals("all") || rule.equals("fixed"),
                "rule must be sqrt, log2, all or fixed, was '%s'", rule);
        if (rule.equals("fixed")) {
            Checks.requireAtLeast(count, 1, "count");
        } else {
            Checks.requireArgument(count == 0, "count must be 0 for rule '%s', was %d", rule, count);
        }
    }

    /** floor(sqrt(d)), at least 1. */
    public static MaxFeatures sqrt() {
        return new MaxFeatures("sqrt", 0);
    }

    /** floor(log2(d)), at least 1. */
    public static MaxFeatures log2() {
        return new MaxFeatures("log2", 0);
    }

    /** Every feature. */
    public static MaxFeatures all() {
        return new MaxFeatures("all", 0);
    }

    /** {@code count} features (capped at d). */
    public static MaxFeatures fixed(int count) {
        return new MaxFeatures("fixed", count);
    }

    /** The number of features to draw for data with {@code d} features. */
    public int resolve(int d) {
        int k = switch (rule) {
            case "sqrt" -> (int) Math.floor(Math.sqrt(d));
            case "log2" -> (int) Math.floor(Math.log(d) / Math.log(2));
            case "all" -> d;
            default -> count;
        };
        return Math.max(1, Math.min(d, k));
    }

    /** {@code "sqrt"}, {@code "log2"}, {@code "all"} or {@code "fixed:<count>"}. */
    @Override
    public String toString() {
        return rule.equals("fixed") ? "fixed:" + count : rule;
    }

    /** Parses {@link #toString()}. */
    public static MaxFeatures parse(String text) {
        Checks.requireNonNull(text, "text");
        if (text.startsWith("fixed:")) {
            try {
                return fixed(Integer.parseInt(text.substring(6)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("maxFeatures count must be an integer, was '" + text + "'", e);
            }
        }
        return new MaxFeatures(text, 0);
    }
}
