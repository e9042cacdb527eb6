package dev.profilekit.models.recommend;

/**
 * An item and its score.
 *
 * @param item  the item id
 * @param score the score (a predicted preference or a similarity, depending on the method that returned it)
 */
public record ScoredItem(String item, double score) {
}
