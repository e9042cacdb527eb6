package dev.profilekit.models.tree;

/**
 * Node impurity measure used by CART to choose splits (Breiman, Friedman, Olshen &amp; Stone, <i>Classification
 * and Regression Trees</i>, 1984, ch. 4). For class proportions p_k of a node:
 */
public enum SplitCriterion {
    /** Gini impurity {@code 1 - sum_k p_k^2}. */
    GINI,
    /** Shannon entropy {@code -sum_k p_k log2 p_k}, in bits. */
    ENTROPY;

    /** Impurity of a node with class weights {@code counts} summing to {@code total > 0}. O(k). */
    double impurity(double[] counts, double total) {
        double s = 0;
        if (this == GINI) {
            for (double c : counts) {
                double p = c / total;
                s += p * p;
            }
            return 1 - s;
        }
        for (double c : counts) {
            if (c > 0) {
                double p = c / total;
                s -= p * Math.log(p);
            }
        }
        return s / Math.log(2);
    }
}
