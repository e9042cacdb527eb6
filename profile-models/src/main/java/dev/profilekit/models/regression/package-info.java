/**
 * Regression models: binary logistic regression, batch ({@link dev.profilekit.models.regression.LogisticRegression},
 * Newton-Cholesky or L-BFGS) and online ({@link dev.profilekit.models.regression.OnlineLogisticRegression},
 * AdaGrad SGD), and linear regression by QR, ordinary least squares or ridge
 * ({@link dev.profilekit.models.regression.LinearRegression}). Fitted models are immutable and round-trip
 * exactly through versioned JSON.
 */
package dev.profilekit.models.regression;
