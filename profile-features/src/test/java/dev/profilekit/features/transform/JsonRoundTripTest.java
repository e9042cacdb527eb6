package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every fitted transform survives toJson -> fromJson bit for bit, and reading checks format and version. */
class JsonRoundTripTest {

    static final Dataset DATA = PcaTest.correlated(40, 4, 9);

    static <T> void roundTrip(T value, Function<T, String> write, Function<String, T> read) {
        String json = write.apply(value);
        T back = read.apply(json);
        assertThat(back).isEqualTo(value);
        assertThat(write.apply(back)).isEqualTo(json);
    }

    @Test
    void scalers() {
        for (ScalerKind k : ScalerKind.values()) {
            roundTrip(Scaler.fit(DATA, k), Scaler::toJson, Scaler::fromJson);
        }
        Scaler s = Scaler.zScore(DATA);
        // values such as 1/3 and 0.1 must come back with the same bits
        assertThat(Scaler.fromJson(s.toJson()).center()).containsExactly(s.center());
    }

    @Test
    void onlineScalerState() {
        OnlineStandardScaler o = OnlineStandardScaler.create(DATA.columns());
        o.updateAll(DATA);
        OnlineStandardScaler back = OnlineStandardScaler.fromJson(o.toJson());
        assertThat(back.toJson()).isEqualTo(o.toJson());
        assertThat(back.toScaler()).isEqualTo(o.toScaler());
    }

    @Test
    void pca() {
        roundTrip(Pca.fit(DATA, PcaOptions.components(2).whiten(true)), Pca::toJson, Pca::fromJson);
        roundTrip(Pca.fit(DATA, PcaOptions.varianceFraction(0.9)), Pca::toJson, Pca::fromJson);
        Pca p = Pca.fromJson(Pca.fit(DATA, PcaOptions.all()).toJson());
        assertThat(p.transform(DATA)).isEqualTo(Pca.fit(DATA, PcaOptions.all()).transform(DATA));
    }

    @Test
    void cleaning() {
        Dataset withNaN = Dataset.of(new String[] {"a"}, new double[][] {{1}, {Double.NaN}, {0.1}});
        for (ImputeStrategy s : new ImputeStrategy[] {ImputeStrategy.MEAN, ImputeStrategy.MEDIAN, ImputeStrategy.MOST_FREQUENT}) {
            roundTrip(Imputer.fit(withNaN, s), Imputer::toJson, Imputer::fromJson);
        }
        roundTrip(Imputer.constant(withNaN, Double.NEGATIVE_INFINITY), Imputer::toJson, Imputer::fromJson);
        roundTrip(OutlierClipper.fit(DATA, ClipRule.iqr(1.5)), OutlierClipper::toJson, OutlierClipper::fromJson);
        roundTrip(OutlierClipper.fit(DATA, ClipRule.zScore(3)), OutlierClipper::toJson, OutlierClipper::fromJson);
    }

    @Test
    void encodersAndSelections() {
        roundTrip(OneHotEncoder.fit(EncodersTest.COLS, EncodersTest.ROWS, UnseenPolicy.OTHER),
                OneHotEncoder::toJson, OneHotEncoder::fromJson);
        roundTrip(FeatureHasher.of(256, -17, false), FeatureHasher::toJson, FeatureHasher::fromJson);
        roundTrip(FeatureSelection.topK(DATA, new double[] {0.3, -0.7, 1.0 / 3, Double.NaN}, 3, true),
                ColumnSelection::toJson, ColumnSelection::fromJson);
    }

    /** Before the shared codec the transforms spelled NaN "NaN"; such documents still read. */
    @Test
    void documentsWithTheOldNaNSpellingStillRead() {
        ColumnSelection s = FeatureSelection.topK(DATA, new double[] {0.3, -0.7, 1.0 / 3, Double.NaN}, 4, true);
        String json = s.toJson();
        assertThat(json).contains("null").doesNotContain("\"NaN\"");
        String old = json.replace("null", "\"NaN\"");
        assertThat(ColumnSelection.fromJson(old)).isEqualTo(s);
    }

    @Test
    void readingChecksFormatAndVersion() {
        String json = Scaler.zScore(DATA).toJson();
        assertThatThrownBy(() -> Pca.fromJson(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("json format must be 'profilekit.pca', was 'profilekit.scaler'");
        assertThatThrownBy(() -> Scaler.fromJson(json.replace("\"version\":1", "\"version\":2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported profilekit.scaler version 2, this library reads version 1");
        assertThatThrownBy(() -> Scaler.fromJson("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("json is not valid JSON");
    }
}
