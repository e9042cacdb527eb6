package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.util.Arrays;

/**
 * One train/test partition of row indices (each ascending, disjoint). Immutable: accessors return copies.
 *
 * @param train indices of the training rows
 * @param test  indices of the test rows
 */
public record Split(int[] train, int[] test) {

    /** Copies the arrays. */
    public Split {
        Checks.requireNonNull(train, "train");
        Checks.requireNonNull(test, "test");
        train = train.clone();
        test = test.clone();
    }

    /** A copy of the training indices. */
    @Override
    public int[] train() {
        return train.clone();
    }

    /** A copy of the test indices. */
    @Override
    public int[] test() {
        return test.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Split && Arrays.equals(train, ((Split) o).train) && Arrays.equals(test, ((Split) o).test);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(train) * 31 + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "Split[train=" + train.length + " rows, test=" + test.length + " rows]";
    }
}
