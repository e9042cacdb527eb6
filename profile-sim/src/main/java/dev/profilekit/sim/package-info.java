/**
 * A synthetic e-commerce event stream with known ground truth, for tests, demos and benchmarks:
 * {@link dev.profilekit.sim.EcommerceSimulator#run} takes {@link dev.profilekit.sim.SimulationOptions}
 * and returns a {@link dev.profilekit.sim.SimulationResult} whose events are generated lazily and whose
 * {@link dev.profilekit.sim.UserTruth} records give each user's latent segment and purchase rate;
 * {@link dev.profilekit.sim.SimulationJson} writes both as JSON Lines. Not a model of any real shop.
 */
package dev.profilekit.sim;
