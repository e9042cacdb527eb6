package dev.profilekit.core.live.propensity;

import static dev.profilekit.core.live.ConfigNodes.MAX_COUNT;
import static dev.profilekit.core.live.ConfigNodes.inputs;
import static dev.profilekit.core.live.ConfigNodes.integer;
import static dev.profilekit.core.live.ConfigNodes.keys;
import static dev.profilekit.core.live.ConfigNodes.number;
import static dev.profilekit.core.live.ConfigNodes.object;
import static dev.profilekit.core.live.ConfigNodes.positive;
import static dev.profilekit.core.live.ConfigNodes.require;
import static dev.profilekit.core.live.ConfigNodes.requiredDuration;
import static dev.profilekit.core.live.ConfigNodes.requiredText;
import static dev.profilekit.core.live.ConfigNodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.VectorPipeline.Input;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The purchase-propensity model: the probability that a user does a {@code labelType} event within
 * {@code horizon}, learned online from point-in-time examples with delayed labels. Build with
 * {@link #builder(String)}; every parameter but the label type has a default except {@code horizon},
 * {@code sampleInterval} and {@code features}, which are required.
 */
public final class PropensityConfig {
    private final String labelType;
    private final Duration horizon;
    private final Duration sampleInterval;
    private final List<Input> features;
    private final double learningRate;
    private final double onlineL2;
    private final double batchL2;
    private final int retrainEvery;
    private final int trainingWindow;
    private final double holdoutFraction;
    private final double swapMargin;
    private final int minExamples;
    private final int publishEvery;
    private final int recentWindow;
    private final String drift;

    private PropensityConfig(Builder b) {
        this.labelType = b.labelType;
        this.horizon = b.horizon;
        this.sampleInterval = b.sampleInterval;
        this.features = List.copyOf(b.features);
        this.learningRate = b.learningRate;
        this.onlineL2 = b.onlineL2;
        this.batchL2 = b.batchL2;
        this.retrainEvery = b.retrainEvery;
        this.trainingWindow = b.trainingWindow;
        this.holdoutFraction = b.holdoutFraction;
        this.swapMargin = b.swapMargin;
        this.minExamples = b.minExamples;
        this.publishEvery = b.publishEvery;
        this.recentWindow = b.recentWindow;
        this.drift = b.drift;
    }

    /** Starts a propensity section predicting {@code labelType} events. */
    public static Builder builder(String labelType) {
        return new Builder(labelType);
    }

    /** A builder holding this section's values, to change some. */
    public Builder toBuilder() {
        return builder(labelType).horizon(horizon).sampleInterval(sampleInterval).features(features)
                .learningRate(learningRate).onlineL2(onlineL2).batchL2(batchL2).retrainEvery(retrainEvery)
                .trainingWindow(trainingWindow).holdoutFraction(holdoutFraction).swapMargin(swapMargin)
                .minExamples(minExamples).publishEvery(publishEvery).recentWindow(recentWindow).drift(drift);
    }

    /** The event type being predicted. */
    public String labelType() {
        return labelType;
    }

    /** The prediction horizon. */
    public Duration horizon() {
        return horizon;
    }

    /** At most one training example per user per interval. */
    public Duration sampleInterval() {
        return sampleInterval;
    }

    /** The inputs of the feature vector. */
    public List<Input> features() {
        return features;
    }

    /** AdaGrad learning rate of the online learner (default 0.05). */
    public double learningRate() {
        return learningRate;
    }

    /** L2 strength of the online learner per example (default 1e-4). */
    public double onlineL2() {
        return onlineL2;
    }

    /** λ of the batch retrain: sum of log-losses + λ/2 ‖w‖² (default 1). */
    public double batchL2() {
        return batchL2;
    }

    /** Background retrain after this many new labels (default 2000). */
    public int retrainEvery() {
        return retrainEvery;
    }

    /** The retrain uses at most this many most recent labelled examples (default 20000). */
    public int trainingWindow() {
        return trainingWindow;
    }

    /** The most recent fraction of them is the holdout of the swap test (default 0.2). */
    public double holdoutFraction() {
        return holdoutFraction;
    }

    /** A retrained model replaces the live one unless its holdout AUC is lower by more than this (0.01). */
    public double swapMargin() {
        return swapMargin;
    }

    /** The first model is fitted once this many labels exist (default 200). */
    public int minExamples() {
        return minExamples;
    }

    /** The online learner publishes a new model version every this many labels (default 50). */
    public int publishEvery() {
        return publishEvery;
    }

    /** Number of most recent examples in the windowed prequential metrics (default 1000). */
    public int recentWindow() {
        return recentWindow;
    }

    /** Drift detector on the prequential log loss: page_hinkley (default), adwin or none. */
    public String drift() {
        return drift;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropensityConfig p && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Propensity[labelType=" + labelType + ", horizon=" + horizon + ", sampleInterval=" + sampleInterval
                + ", features=" + features + ", learningRate=" + learningRate + ", onlineL2=" + onlineL2
                + ", batchL2=" + batchL2 + ", retrainEvery=" + retrainEvery + ", trainingWindow=" + trainingWindow
                + ", holdoutFraction=" + holdoutFraction + ", swapMargin=" + swapMargin + ", minExamples="
                + minExamples + ", publishEvery=" + publishEvery + ", recentWindow=" + recentWindow + ", drift="
                + drift + "]";
    }

    /** Builder of a {@link PropensityConfig} section; {@link #build()} validates every value. */
    public static final class Builder {
        private final String labelType;
        private Duration horizon;
        private Duration sampleInterval;
        private List<Input> features;
        private double learningRate = 0.05;
        private double onlineL2 = 1e-4;
        private double batchL2 = 1.0;
        private int retrainEvery = 2000;
        private int trainingWindow = 20_000;
        private double holdoutFraction = 0.2;
        private double swapMargin = 0.01;
        private int minExamples = 200;
        private int publishEvery = 50;
        private int recentWindow = 1000;
        private String drift = "page_hinkley";

        private Builder(String labelType) {
            this.labelType = labelType;
        }

        /** Required: the prediction horizon. */
        public Builder horizon(Duration horizon) {
            this.horizon = horizon;
            return this;
        }

        /** Required: at most one example per user per interval. */
        public Builder sampleInterval(Duration sampleInterval) {
            this.sampleInterval = sampleInterval;
            return this;
        }

        /** Required: the inputs of the feature vector. */
        public Builder features(List<Input> features) {
            this.features = features;
            return this;
        }

        /** AdaGrad learning rate of the online learner. */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** L2 strength of the online learner. */
        public Builder onlineL2(double onlineL2) {
            this.onlineL2 = onlineL2;
            return this;
        }

        /** λ of the batch retrain. */
        public Builder batchL2(double batchL2) {
            this.batchL2 = batchL2;
            return this;
        }

        /** Retrain after this many new labels. */
        public Builder retrainEvery(int retrainEvery) {
            this.retrainEvery = retrainEvery;
            return this;
        }

        /** Examples kept for retrains. */
        public Builder trainingWindow(int trainingWindow) {
            this.trainingWindow = trainingWindow;
            return this;
        }

        /** Holdout fraction of the swap test. */
        public Builder holdoutFraction(double holdoutFraction) {
            this.holdoutFraction = holdoutFraction;
            return this;
        }

        /** AUC margin of the swap test. */
        public Builder swapMargin(double swapMargin) {
            this.swapMargin = swapMargin;
            return this;
        }

        /** Labels needed before the first model. */
        public Builder minExamples(int minExamples) {
            this.minExamples = minExamples;
            return this;
        }

        /** Online publication period, in labels. */
        public Builder publishEvery(int publishEvery) {
            this.publishEvery = publishEvery;
            return this;
        }

        /** Window of the recent prequential metrics. */
        public Builder recentWindow(int recentWindow) {
            this.recentWindow = recentWindow;
            return this;
        }

        /** Drift detector: page_hinkley, adwin or none. */
        public Builder drift(String drift) {
            this.drift = drift;
            return this;
        }

        /**
         * The section.
         *
         * @throws IllegalArgumentException naming the first bad key and its value
         */
        public PropensityConfig build() {
            require(labelType != null && !labelType.isBlank(), "propensity.label_type",
                    "must be a non-blank string", labelType);
            require(positive(horizon), "propensity.horizon", "must be a positive duration of whole ms, at most "
                    + "100 years", horizon);
            require(positive(sampleInterval), "propensity.sample_interval",
                    "must be a positive duration of whole ms, at most 100 years", sampleInterval);
            require(features != null && !features.isEmpty(), "propensity.features",
                    "must list at least one feature", features);
            require(features.stream().allMatch(java.util.Objects::nonNull), "propensity.features",
                    "must not contain null", features);
            require(learningRate > 0 && Double.isFinite(learningRate), "propensity.learner.learning_rate",
                    "must be finite and > 0", learningRate);
            require(onlineL2 >= 0 && Double.isFinite(onlineL2), "propensity.learner.l2", "must be finite and >= 0",
                    onlineL2);
            require(batchL2 >= 0 && Double.isFinite(batchL2), "propensity.l2", "must be finite and >= 0", batchL2);
            require(retrainEvery >= 1, "propensity.retrain_every", "must be >= 1", retrainEvery);
            require(trainingWindow >= 20 && trainingWindow <= MAX_COUNT, "propensity.training_window",
                    "must be between 20 and " + MAX_COUNT, trainingWindow);
            require(retrainEvery <= MAX_COUNT, "propensity.retrain_every", "must be <= " + MAX_COUNT, retrainEvery);
            require(holdoutFraction > 0 && holdoutFraction < 1, "propensity.holdout_fraction", "must be in (0, 1)",
                    holdoutFraction);
            require(swapMargin >= 0 && Double.isFinite(swapMargin), "propensity.swap_margin",
                    "must be finite and >= 0", swapMargin);
            require(minExamples >= 10 && minExamples <= trainingWindow, "propensity.min_examples",
                    "must be between 10 and training_window (" + trainingWindow + ")", minExamples);
            require(publishEvery >= 1 && publishEvery <= MAX_COUNT, "propensity.publish_every",
                    "must be between 1 and " + MAX_COUNT, publishEvery);
            require(recentWindow >= 10 && recentWindow <= MAX_COUNT, "propensity.recent_window",
                    "must be between 10 and " + MAX_COUNT, recentWindow);
            require(Set.of("page_hinkley", "adwin", "none").contains(drift), "propensity.drift",
                    "must be page_hinkley, adwin or none", drift);
            return new PropensityConfig(this);
        }
    }

    /** Reads this section from the models file's {@code "propensity"} object; errors name the key path. */
    static PropensityConfig parse(JsonNode n) {
        String at = "propensity";
        object(n, at);
        keys(n, at + ".", Set.of("label_type", "horizon", "sample_interval", "features", "learner", "l2",
                "retrain_every", "training_window", "holdout_fraction", "swap_margin", "min_examples",
                "publish_every", "recent_window", "drift"));
        PropensityConfig.Builder b = PropensityConfig.builder(requiredText(n, "label_type", at))
                .horizon(requiredDuration(n, "horizon", at)).sampleInterval(requiredDuration(n, "sample_interval", at))
                .features(inputs(n, at));
        PropensityConfig.Builder d = PropensityConfig.builder("x");
        JsonNode learner = n.get("learner");
        if (learner != null) {
            object(learner, at + ".learner");
            keys(learner, at + ".learner.", Set.of("learning_rate", "l2"));
            b.learningRate(number(learner, "learning_rate", at + ".learner", d.learningRate));
            b.onlineL2(number(learner, "l2", at + ".learner", d.onlineL2));
        }
        return b.batchL2(number(n, "l2", at, d.batchL2)).retrainEvery(integer(n, "retrain_every", at, d.retrainEvery))
                .trainingWindow(integer(n, "training_window", at, d.trainingWindow))
                .holdoutFraction(number(n, "holdout_fraction", at, d.holdoutFraction))
                .swapMargin(number(n, "swap_margin", at, d.swapMargin))
                .minExamples(integer(n, "min_examples", at, d.minExamples))
                .publishEvery(integer(n, "publish_every", at, d.publishEvery))
                .recentWindow(integer(n, "recent_window", at, d.recentWindow))
                .drift(text(n, "drift", at, d.drift)).build();
    }
}
