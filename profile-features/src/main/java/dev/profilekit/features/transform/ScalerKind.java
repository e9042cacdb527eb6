package dev.profilekit.features.transform;

/** Which centre and scale a {@link Scaler} fits; each maps {@code x -> (x - center) / scale}. */
public enum ScalerKind {
    /** center = mean, scale = population standard deviation (ddof 0), as scikit-learn's StandardScaler. */
    Z_SCORE,
    /** center = min, scale = max - min, so the fitted range maps to [0, 1] (scikit-learn's MinMaxScaler). */
    MIN_MAX,
    /**
     * center = median, scale = interquartile range Q3 - Q1 with numpy's linear quantile rule
     * (scikit-learn's RobustScaler with its default quantile range (25, 75)).
     */
    ROBUST
}
