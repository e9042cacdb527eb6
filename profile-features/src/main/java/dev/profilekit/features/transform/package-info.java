/**
 * Batch feature engineering on dense tables of doubles: {@link dev.profilekit.features.transform.Dataset},
 * cleaning (imputation, outlier clipping, duplicate removal), scalers (batch and online), encoders
 * (one-hot, signed feature hashing, crosses), feature selection (Pearson, binned mutual information,
 * variance), PCA on an SVD of the centred data, and seeded splits.
 *
 * <p>Every fitted transform is immutable and round-trips exactly through versioned JSON
 * ({@code {"format":"profilekit.<thing>","version":1,...}}) by the shared
 * {@link dev.profilekit.features.io.JsonCodec}: finite doubles are written with
 * {@link java.lang.Double#toString(double)} so that reading them back gives the same bits, NaN as
 * {@code null} and infinities as {@code "Infinity"}/{@code "-Infinity"}.
 * Missing values are {@code NaN} throughout.
 */
package dev.profilekit.features.transform;
