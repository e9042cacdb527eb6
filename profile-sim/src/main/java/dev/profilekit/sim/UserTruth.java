package dev.profilekit.sim;

/**
 * The latent truth of one simulated user, as in force at the end of the stream.
 *
 * @param user                      the user id ({@code u...})
 * @param segment                   latent segment, in [0, segments)
 * @param purchaseRatePerDay        purchases per day at the end of the stream (λ, of the Poisson purchase process)
 * @param pPurchaseNextDay          probability of at least one purchase in the next 24 h: 1 - exp(-λ)
 * @param initialPurchaseRatePerDay purchases per day at the start of the stream (equal to the former without drift)
 * @param eventsPerDay              expected events per day at the end of the stream, all types: browsing activity
 *                                  plus 4 events per purchase (2 views on average, a cart, the purchase)
 */
public record UserTruth(String user, int segment, double purchaseRatePerDay, double pPurchaseNextDay,
                        double initialPurchaseRatePerDay, double eventsPerDay) {
}
