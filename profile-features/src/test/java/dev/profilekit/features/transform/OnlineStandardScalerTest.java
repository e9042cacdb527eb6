package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Welford / Chan streaming statistics equal the two-pass batch scaler. */
class OnlineStandardScalerTest {

    /** Relative agreement between streaming and two-pass results (both are backward stable). */
    static final double REL = 1e-10;

    @Test
    void onlineEqualsBatch() {
        Dataset data = ScalerTest.random(1000, 5, 3);
        OnlineStandardScaler online = OnlineStandardScaler.create(data.columns());
        online.updateAll(data);
        assertClose(online.toScaler(), Scaler.zScore(data));
        assertThat(online.count()).isEqualTo(1000);
    }

    @Test
    void mergedHalvesEqualTheWhole() {
        Dataset data = ScalerTest.random(999, 3, 4);
        OnlineStandardScaler whole = OnlineStandardScaler.create(data.columns());
        whole.updateAll(data);
        OnlineStandardScaler a = OnlineStandardScaler.create(data.columns());
        OnlineStandardScaler b = OnlineStandardScaler.create(data.columns());
        for (int i = 0; i < data.rowCount(); i++) {
            (i < 400 ? a : b).update(data.row(i));
        }
        a.merge(b);
        assertClose(a.toScaler(), whole.toScaler());
        assertClose(a.toScaler(), Scaler.zScore(data));
        assertThat(a.count()).isEqualTo(999);
        // merging into an empty accumulator copies
        OnlineStandardScaler empty = OnlineStandardScaler.create(data.columns());
        empty.merge(whole);
        assertThat(empty.toScaler()).isEqualTo(whole.toScaler());
    }

    @Property(tries = 50, seed = "20261127")
    void anySplitPointMergesToTheWhole(@ForAll @Size(min = 2, max = 60) double[] values,
                                       @ForAll @IntRange(min = 0, max = 60) int cut,
                                       @ForAll @DoubleRange(min = -1e3, max = 1e3) double shift) {
        int k = Math.min(cut, values.length);
        OnlineStandardScaler whole = OnlineStandardScaler.create("x");
        OnlineStandardScaler left = OnlineStandardScaler.create("x");
        OnlineStandardScaler right = OnlineStandardScaler.create("x");
        double[] row = new double[1];
        double[][] rows = new double[values.length][1];
        for (int i = 0; i < values.length; i++) {
            double v = Double.isFinite(values[i]) ? Math.max(-1e6, Math.min(1e6, values[i])) + shift : shift;
            row[0] = v;
            rows[i][0] = v;
            whole.update(row);
            (i < k ? left : right).update(row);
        }
        left.merge(right);
        Scaler batch = Scaler.zScore(Dataset.of(new String[] {"x"}, rows));
        double scale = Math.max(1, Math.abs(batch.center()[0]) + batch.scale()[0]);
        assertThat(left.mean(0)).isCloseTo(batch.center()[0], within(1e-9 * scale));
        assertThat(whole.mean(0)).isCloseTo(batch.center()[0], within(1e-9 * scale));
        assertThat(left.std(0)).isCloseTo(whole.std(0), within(1e-9 * scale));
    }

    @Test
    void updateDoesNotAllocate() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OnlineStandardScaler s = OnlineStandardScaler.create("a", "b", "c", "d");
        double[] x = {1, 2, 3, 4};
        for (int i = 0; i < 20_000; i++) { // warm up
            x[0] = i;
            s.update(x);
        }
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            x[0] = i;
            s.update(x);
        }
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        // a single 16-byte object per update would be 1.6 MB; allow a little for the measurement itself
        assertThat(allocated).isLessThan(4096);
    }

    @Test
    void rejectsBadRowsWithoutChangingState() {
        OnlineStandardScaler s = OnlineStandardScaler.create("a", "b");
        s.update(new double[] {1, 2});
        assertThatThrownBy(() -> s.update(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x column 'b' (index 1) must be finite, was NaN");
        assertThatThrownBy(() -> s.update(new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 1 values, scaler expects 2");
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.mean(1)).isEqualTo(2.0);
        assertThatThrownBy(() -> s.merge(OnlineStandardScaler.create("a", "c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[a, c]");
    }

    static void assertClose(Scaler a, Scaler b) {
        assertThat(a.columns()).containsExactly(b.columns());
        for (int j = 0; j < a.center().length; j++) {
            assertThat(a.center()[j]).isCloseTo(b.center()[j], within(REL * Math.abs(b.center()[j])));
            assertThat(a.scale()[j]).isCloseTo(b.scale()[j], within(REL * Math.abs(b.scale()[j])));
        }
        assertThat(a.samples()).isEqualTo(b.samples());
    }
}
