/**
 * The health of a {@code ProfileUpdater} as Micrometer meters
 * ({@link dev.profilekit.micrometer.ProfileKitMetrics}).
 *
 * <p>micrometer-core declares the automatic module name {@code micrometer.core}; its types appear in this module's
 * API ({@code MeterBinder}), so the dependency is transitive.
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.profilekit.micrometer {
    requires transitive dev.profilekit.core;
    requires transitive micrometer.core;

    exports dev.profilekit.micrometer;
}
