package dev.profilekit.models.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.io.JsonCodec;
import java.util.Arrays;
import java.util.Objects;

/**
 * The immutable node arrays of one fitted classification tree (struct-of-arrays, node 0 is the root). For a
 * split node, rows with {@code x[feature] <= threshold} go to {@code left}; a leaf has {@code feature == -1}
 * and {@code left == right == -1}. {@code value[node]} holds the class proportions of the training rows in the
 * node (weighted).
 */
final class Tree {

    final int numFeatures;
    final int numClasses;
    final int[] feature;
    final double[] threshold;
    final int[] left;
    final int[] right;
    final double[][] value;
    final double[] impurity;
    final double[] weight;

    Tree(int numFeatures, int numClasses, int[] feature, double[] threshold, int[] left, int[] right,
         double[][] value, double[] impurity, double[] weight) {
        int nodes = feature.length;
        if (threshold.length != nodes || left.length != nodes || right.length != nodes || value.length != nodes
                || impurity.length != nodes || weight.length != nodes || nodes == 0) {
            throw new IllegalArgumentException("tree node arrays must have one equal, non-zero length");
        }
        for (int i = 0; i < nodes; i++) {
            boolean leaf = feature[i] == -1;
            if (leaf ? (left[i] != -1 || right[i] != -1)
                    : (feature[i] < 0 || feature[i] >= numFeatures || left[i] <= i || right[i] <= i
                    || left[i] >= nodes || right[i] >= nodes)) {
                throw new IllegalArgumentException("tree node " + i + " is malformed: feature " + feature[i] + ", left "
                        + left[i] + ", right " + right[i]);
            }
            if (value[i].length != numClasses) {
                throw new IllegalArgumentException("tree node " + i + " has " + value[i].length + " class values, expected "
                        + numClasses);
            }
        }
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.value = value;
        this.impurity = impurity;
        this.weight = weight;
    }

    int nodeCount() {
        return feature.length;
    }

    /** The leaf reached by {@code x}. O(depth), no allocation; x must have been validated. */
    int leaf(double[] x) {
        int node = 0;
        while (feature[node] >= 0) {
            node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
        }
        return node;
    }

    int depth() {
        int[] depth = new int[feature.length];
        int max = 0;
        for (int i = 0; i < feature.length; i++) {
            if (feature[i] >= 0) {
                depth[left[i]] = depth[i] + 1;
                depth[right[i]] = depth[i] + 1;
                max = Math.max(max, depth[i] + 1);
            }
        }
        return max;
    }

    /** Adds the mean-decrease-in-impurity of every split to {@code out[feature]} (unnormalised). */
    void addImpurityDecrease(double[] out) {
        for (int i = 0; i < feature.length; i++) {
            if (feature[i] >= 0) {
                out[feature[i]] += weight[i] * impurity[i] - weight[left[i]] * impurity[left[i]]
                        - weight[right[i]] * impurity[right[i]];
            }
        }
    }

    ObjectNode toJson() {
        ObjectNode node = JsonCodec.objectNode();
        node.put("numFeatures", numFeatures);
        node.put("numClasses", numClasses);
        node.set("feature", JsonCodec.ints(feature));
        node.set("threshold", JsonCodec.doubles(threshold));
        node.set("left", JsonCodec.ints(left));
        node.set("right", JsonCodec.ints(right));
        node.set("value", JsonCodec.matrix(value));
        node.set("impurity", JsonCodec.doubles(impurity));
        node.set("weight", JsonCodec.doubles(weight));
        return node;
    }

    static Tree fromJson(JsonNode node) {
        double[][] value = JsonCodec.readMatrix(node, "value");
        return new Tree(JsonCodec.readInt(node, "numFeatures"), JsonCodec.readInt(node, "numClasses"),
                JsonCodec.readInts(node, "feature"), JsonCodec.readDoubles(node, "threshold"),
                JsonCodec.readInts(node, "left"), JsonCodec.readInts(node, "right"), value,
                JsonCodec.readDoubles(node, "impurity"),
                JsonCodec.readDoubles(node, "weight"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tree t && numFeatures == t.numFeatures && numClasses == t.numClasses
                && Arrays.equals(feature, t.feature) && Arrays.equals(threshold, t.threshold)
                && Arrays.equals(left, t.left) && Arrays.equals(right, t.right) && Arrays.deepEquals(value, t.value)
                && Arrays.equals(impurity, t.impurity) && Arrays.equals(weight, t.weight);
    }

    @Override
    public int hashCode() {
        return Objects.hash(numFeatures, numClasses, Arrays.hashCode(feature), Arrays.hashCode(threshold));
    }
}
