/**
 * ProfileKit core: the profile engine and the live models kept on it.
 * <ul>
 *   <li>{@code schema}: what a profile holds ({@code ProfileSchema}, {@code FeatureSpec});</li>
 *   <li>{@code engine}: {@code ProfileUpdater} and what it reads and writes ({@code Event}, {@code Profile},
 *       limits);</li>
 *   <li>{@code store}: the {@code ProfileStore} SPI of encoded user states;</li>
 *   <li>{@code spi}: the seam the engine and the live models share ({@code LiveModel}, {@code UserView},
 *       {@code FeatureAccess}, {@code ModelOutputs}, {@code ModelStatus}) and the reject exception
 *       {@code InvalidEventException};</li>
 *   <li>{@code live}: what the live models share (the vector pipeline, diagnostics, {@code ModelPlugin}); one package
 *       per model ({@code live.propensity}, {@code live.segments}, {@code live.forecast}, {@code live.recommend}),
 *       each with its live model, its fitted-model value, its explanation and its models-file section;</li>
 *   <li>{@code models}: the models file ({@code ModelsConfig}, with the list of model kinds) and the list of live
 *       models the engine holds ({@code LiveModels});</li>
 *   <li>{@code io}: the JSON of events and profiles;</li>
 *   <li>{@code snapshot}: a locked directory of snapshots ({@code SnapshotDirectory}); the snapshot file's format,
 *       writing and restoring a snapshot and its copy-on-write cut are in {@code snapshot.internal}, not exported,
 *       which reaches the engine's states only through the operations the engine gives it
 *       ({@code SnapshotHost});</li>
 *   <li>{@code audience}: audience rules over profiles ({@code AudienceRule}, {@code Audiences}).</li>
 * </ul>
 * The compiled update plans, the per-user state and the live models' implementations are package-private; a
 * host that keeps states itself ({@code ProfileKernel}) holds them as the opaque {@code KernelState}.
 */
module dev.profilekit.core {
    requires transitive dev.profilekit.models;
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.management; // the launcher reads this JVM's options

    exports dev.profilekit.core.schema;
    exports dev.profilekit.core.engine;
    exports dev.profilekit.core.store;
    exports dev.profilekit.core.privacy;
    exports dev.profilekit.core.spi;
    exports dev.profilekit.core.live;
    exports dev.profilekit.core.live.propensity;
    exports dev.profilekit.core.live.segments;
    exports dev.profilekit.core.live.forecast;
    exports dev.profilekit.core.live.recommend;
    exports dev.profilekit.core.models;
    exports dev.profilekit.core.io;
    exports dev.profilekit.core.snapshot;
    exports dev.profilekit.core.audience;
    exports dev.profilekit.core.launch to dev.profilekit.cli; // not API: the jars' launcher
}
