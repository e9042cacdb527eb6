/**
 * ProfileKit models: regression, clustering, ARIMA, an LSTM, trees and forests, metrics and drift detectors, each an
 * immutable model with its provenance ({@link dev.profilekit.models.ModelInfo}) and exact JSON.
 *
 * <p>Not exported: {@code dev.profilekit.models.io} (ModelInfo provenance in a model document) and
 * {@code dev.profilekit.models.optim} (the line search the solvers share). EJML and Commons Math have no module
 * descriptor or {@code Automatic-Module-Name}, so their names are derived from the jar file names.
 */
module dev.profilekit.models {
    requires transitive dev.profilekit.features;
    requires ejml.core;
    requires ejml.ddense;
    requires commons.math3;
    requires org.slf4j;

    exports dev.profilekit.models;
    exports dev.profilekit.models.cluster;
    exports dev.profilekit.models.drift;
    exports dev.profilekit.models.metrics;
    exports dev.profilekit.models.recommend;
    exports dev.profilekit.models.regression;
    exports dev.profilekit.models.sequence;
    exports dev.profilekit.models.timeseries;
    exports dev.profilekit.models.tree;
}
