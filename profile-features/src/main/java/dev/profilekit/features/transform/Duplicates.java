package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Duplicate-row removal. Two rows are duplicates when every value and the label (if any) are equal bit for
 * bit after normalising {@code -0.0} to {@code 0.0} and every NaN to the canonical NaN, so missing values
 * compare equal to each other. The first occurrence is kept. Expected O(rows * columns) with hashing.
 */
public final class Duplicates {

    private Duplicates() {
    }

    /** Removes later duplicates of earlier rows; the result reports their indices. */
    public static CleaningResult remove(Dataset data) {
        Checks.requireNonNull(data, "data");
        double[][] rows = data.rawRows();
        double[] labels = data.rawLabels();
        Set<Key> seen = new HashSet<>();
        List<Integer> keep = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            long[] bits = new long[rows[i].length + (labels == null ? 0 : 1)];
            for (int j = 0; j < rows[i].length; j++) {
                bits[j] = canonical(rows[i][j]);
            }
            if (labels != null) {
                bits[bits.length - 1] = canonical(labels[i]);
            }
            if (seen.add(new Key(bits))) {
                keep.add(i);
            } else {
                removed.add(i);
            }
        }
        Dataset kept = data.selectRows(keep.stream().mapToInt(Integer::intValue).toArray());
        return new CleaningResult(kept, new int[data.columnCount()], removed.stream().mapToInt(Integer::intValue).toArray());
    }

    private static long canonical(double v) {
        return v == 0 ? 0L : Double.doubleToLongBits(v);
    }

    private static final class Key {
        private final long[] bits;
        private final int hash;

        Key(long[] bits) {
            this.bits = bits;
            this.hash = Arrays.hashCode(bits);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && Arrays.equals(bits, ((Key) o).bits);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
