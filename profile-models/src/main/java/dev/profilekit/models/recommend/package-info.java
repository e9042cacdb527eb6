/**
 * Recommendation models: implicit-feedback matrix factorisation by alternating least squares
 * ({@link dev.profilekit.models.recommend.ImplicitAls}) on a sparse set of user-item weights
 * ({@link dev.profilekit.models.recommend.Interactions}).
 */
package dev.profilekit.models.recommend;
