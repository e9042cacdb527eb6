/**
 * A synthetic e-commerce event stream with known ground truth, for tests, demos and benchmarks:
 * {@link dev.profilekit.core.sim.EcommerceSimulator#run} takes {@link dev.profilekit.core.sim.SimulationOptions}
 * and returns a {@link dev.profilekit.core.sim.SimulationResult} whose events are generated lazily and whose
 * {@link dev.profilekit.core.sim.UserTruth} records give each user's latent segment and purchase rate;
 * {@link dev.profilekit.core.sim.SimulationJson} writes both as JSON Lines. Not a model of any real shop.
 */
package dev.profilekit.sim;
