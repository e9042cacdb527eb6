package dev.profilekit.core.live.recommend;

/**
 * One recommended item and its score.
 *
 * @param item  the item id (the value of the recommend section's {@code item_field})
 * @param score the item's score: the user's affinity-weighted mean cosine similarity to the items the user
 *              engaged with, in [0, 1]; 0 for items that fill the list from the fallback (ALS, then popularity)
 */
public record Recommendation(String item, double score) {
    /** Validates. */
    public Recommendation {
        if (item == null) {
            throw new IllegalArgumentException("item must not be null");
        }
    }
}
