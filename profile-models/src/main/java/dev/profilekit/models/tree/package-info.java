/**
 * Tree classifiers: CART decision trees ({@link dev.profilekit.models.tree.DecisionTree}) and random forests
 * ({@link dev.profilekit.models.tree.RandomForest}) with out-of-bag accuracy and mean-decrease-in-impurity feature
 * importances. Fitted models are immutable and round-trip exactly through versioned JSON.
 */
package dev.profilekit.models.tree;
