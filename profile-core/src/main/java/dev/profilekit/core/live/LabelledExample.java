package dev.profilekit.core.live;

/**
 * A point-in-time training example whose label has become known.
 *
 * @param user         the user
 * @param time         the time of the accepted event the example was sampled at (epoch ms); the features are
 *                     the profile as of that time, never later
 * @param features     the raw feature vector (a copy; missing values NaN)
 * @param label        1 if the user had an accepted label event in (time, time + horizon], else 0
 * @param score        the live model's score of this example before learning from it (prequential); the
 *                     running base rate before the first model
 * @param modelVersion the version that produced {@code score}, 0 before the first model
 */
public record LabelledExample(String user, long time, double[] features, int label, double score,
                              long modelVersion) {
}
