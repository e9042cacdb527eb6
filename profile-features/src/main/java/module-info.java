/**
 * ProfileKit features: numerical building blocks that know nothing about users or events. Streaming
 * aggregators over primitive state ({@code streaming}), batch transforms on a {@code Dataset}
 * ({@code transform}), the one JSON codec of saved documents ({@code io}) and the argument checks every
 * module shares (the root package).
 *
 * <p>Jackson is a transitive requirement because {@link dev.profilekit.features.io.JsonCodec} speaks in
 * Jackson trees. EJML and DataSketches have no module descriptor or {@code Automatic-Module-Name}, so their
 * names are derived from the jar file names ({@code ejml.ddense}, {@code ejml.core}, {@code datasketches.java}).
 */
module dev.profilekit.features {
    requires transitive com.fasterxml.jackson.databind;
    requires ejml.core;
    requires ejml.ddense;
    requires datasketches.java;
    // DataSketches' HLL sketches run on its memory module, an explicit module that the automatic
    // datasketches.java cannot require itself; without this line a modular application would not resolve it.
    requires org.apache.datasketches.memory;

    exports dev.profilekit.features;
    exports dev.profilekit.features.codec;
    exports dev.profilekit.features.hash;
    exports dev.profilekit.features.io;
    exports dev.profilekit.features.streaming;
    exports dev.profilekit.features.transform;
}
