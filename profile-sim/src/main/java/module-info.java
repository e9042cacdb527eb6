/** ProfileKit simulator: a synthetic e-commerce event stream with known truth, for tests, demos and benchmarks. */
module dev.profilekit.sim {
    requires transitive dev.profilekit.core;

    exports dev.profilekit.sim;
}
