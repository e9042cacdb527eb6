package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.live.internal.DiagnosticsRecorder;
import dev.profilekit.core.live.internal.PrequentialStats;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelDiagnosticsTest {

    private static final PrequentialStats NO_STATS = new PrequentialStats(10);

    @Test
    void reservoirSeriesVersionsAndAlarmsStayBoundedOnALongStream() {
        DiagnosticsRecorder r = new DiagnosticsRecorder(1_000);
        int n = 300_000;
        for (int i = 1; i <= n; i++) {
            r.example(i * 1000L, (i % 100) / 100.0, i % 2, i / 5000, i % 97 == 0, NO_STATS);
            if (i % 50 == 0) {
                r.published(i / 50, i % 5000 == 0 ? "batch" : "online");
            }
        }
        ModelDiagnostics d = r.snapshot(null);
        assertThat(d.labelled()).isEqualTo(n);
        assertThat(d.reservoir()).hasSize(1_000);
        assertThat(d.aucSeries()).hasSizeLessThanOrEqualTo(ModelDiagnostics.MAX_POINTS).hasSizeGreaterThan(100);
        assertThat(d.versions()).hasSizeLessThanOrEqualTo(ModelDiagnostics.MAX_EVENTS);
        assertThat(d.versionsSeen()).isEqualTo(n / 50);
        assertThat(d.driftAlarms()).hasSize(ModelDiagnostics.MAX_EVENTS);
        assertThat(d.driftAlarmsSeen()).isEqualTo(n / 97);
        // every batch retrain survives the thinning of online publications (60 of them, room for all)
        assertThat(d.versions().stream().filter(v -> v.reason().equals("batch")).count()).isEqualTo(n / 5000);
        // points are in order, span the whole stream and are evenly spaced
        long prev = 0;
        for (ModelDiagnostics.AucPoint p : d.aucSeries()) {
            assertThat(p.examples()).isGreaterThan(prev);
            prev = p.examples();
        }
        assertThat(prev).isGreaterThan(n / 2);
        long gap = d.aucSeries().get(1).examples() - d.aucSeries().get(0).examples();
        for (int i = 1; i < d.aucSeries().size(); i++) {
            assertThat(d.aucSeries().get(i).examples() - d.aucSeries().get(i - 1).examples()).isEqualTo(gap);
        }
    }

    @Test
    void reservoirIsAUniformSampleAndTheSameEveryRun() {
        int n = 200_000;
        DiagnosticsRecorder a = new DiagnosticsRecorder(5_000);
        DiagnosticsRecorder b = new DiagnosticsRecorder(5_000);
        for (int i = 0; i < n; i++) {
            double score = i / (double) n; // the score encodes the position in the stream
            a.example(i, score, 0, 0, false, NO_STATS);
            b.example(i, score, 0, 0, false, NO_STATS);
        }
        List<ModelDiagnostics.ScoredLabel> s = a.snapshot(null).reservoir();
        assertThat(s).isEqualTo(b.snapshot(null).reservoir());
        // each decile of the stream holds ~10% of the sample (binomial sd ~0.42%; 2% is > 4 sd)
        int[] deciles = new int[10];
        for (ModelDiagnostics.ScoredLabel x : s) {
            deciles[(int) (x.score() * 10)]++;
        }
        for (int c : deciles) {
            assertThat(c / 5000.0).isBetween(0.08, 0.12);
        }
    }

    @Test
    void seriesPointsCarryTheStatisticsOfTheirMoment() {
        DiagnosticsRecorder r = new DiagnosticsRecorder(10);
        PrequentialStats stats = new PrequentialStats(100);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 1; i <= 200; i++) {
            int y = rnd.nextInt(2);
            double p = Math.min(1, Math.max(0, 0.3 + 0.4 * y + 0.3 * (rnd.nextDouble() - 0.5)));
            stats.add(p, y);
            r.example(i * 10L, p, y, 3, false, stats);
        }
        ModelDiagnostics d = r.snapshot(null);
        assertThat(d.aucSeries()).extracting(ModelDiagnostics.AucPoint::examples).containsExactly(50L, 100L, 150L, 200L);
        assertThat(d.aucSeries().get(3).time()).isEqualTo(2000L);
        assertThat(d.aucSeries().get(3).auc()).isEqualTo(stats.snapshot().auc());
        assertThat(d.aucSeries().get(3).version()).isEqualTo(3);
    }

    @Test
    void jsonRoundTripKeepsEverythingIncludingNaN() {
        ModelDiagnostics d = new ModelDiagnostics(3, 10,
                List.of(new ModelDiagnostics.ScoredLabel(0.25, 1), new ModelDiagnostics.ScoredLabel(0.75, 0)),
                List.of(new ModelDiagnostics.AucPoint(5L, 50, Double.NaN, 0.5, 0),
                        new ModelDiagnostics.AucPoint(9L, 100, 0.8, Double.NaN, 2)),
                List.of(new ModelDiagnostics.ModelVersion(7L, 60, 1, "batch"),
                        new ModelDiagnostics.ModelVersion(8L, 70, 2, "online")), 5,
                List.of(new ModelDiagnostics.DriftAlarm(8L, 70)), 1,
                new ModelDiagnostics.Forecast("arima", 4, 20_000, new double[] {1, 2, 3}, new double[] {3.5, 3.6},
                        new double[] {2, 2.1}, new double[] {5, 5.1}, 0.95, "ARIMA"));
        ModelDiagnostics back = ModelDiagnostics.fromJson(d.toJson());
        assertThat(back).isEqualTo(d);
        assertThat(back.toJson()).isEqualTo(d.toJson());
        assertThat(ModelDiagnostics.fromJson(ModelDiagnostics.empty().toJson())).isEqualTo(ModelDiagnostics.empty());
    }

    @Test
    void badJsonAndBadArgumentsNameWhatWasWrong() {
        assertThatThrownBy(() -> ModelDiagnostics.fromJson("{\"format\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("diagnostics.format");
        assertThatThrownBy(() -> ModelDiagnostics.fromJson("not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        String noLabels = ModelDiagnostics.empty().toJson().replace("\"reservoir_labels\":[]", "\"reservoir_labels\":[2]")
                .replace("\"reservoir_scores\":[]", "\"reservoir_scores\":[0.5]");
        assertThatThrownBy(() -> ModelDiagnostics.fromJson(noLabels))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservoir_labels[0]");
        assertThatThrownBy(() -> new ModelDiagnostics(1, 0, List.of(new ModelDiagnostics.ScoredLabel(0, 0),
                new ModelDiagnostics.ScoredLabel(1, 1)), List.of(), List.of(), 0, List.of(), 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity 1");
        assertThatThrownBy(() -> ModelDiagnostics.fromJson((String) null)).isInstanceOf(IllegalArgumentException.class);
    }
}
