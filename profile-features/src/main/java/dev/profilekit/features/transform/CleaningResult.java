package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.util.Arrays;

/**
 * What a cleaning step produced and what it changed: the new {@link Dataset}, the number of values
 * changed in each column (imputed or clipped; indexed like the dataset's columns), and the indices (in the
 * input) of the rows removed. Immutable: the accessors return copies.
 *
 * @param data           the cleaned dataset
 * @param changedPerColumn values changed per column, {@code data.columnCount()} entries
 * @param removedRows    indices of the input rows that were dropped, ascending
 */
public record CleaningResult(Dataset data, int[] changedPerColumn, int[] removedRows) {

    /** Validates and copies the arrays. */
    public CleaningResult {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(changedPerColumn, "changedPerColumn");
        Checks.requireNonNull(removedRows, "removedRows");
        Checks.requireArgument(changedPerColumn.length == data.columnCount(),
                "changedPerColumn has %d entries, data has %d columns", changedPerColumn.length, data.columnCount());
        changedPerColumn = changedPerColumn.clone();
        removedRows = removedRows.clone();
    }

    /** A copy of the per-column change counts. */
    @Override
    public int[] changedPerColumn() {
        return changedPerColumn.clone();
    }

    /** A copy of the removed row indices. */
    @Override
    public int[] removedRows() {
        return removedRows.clone();
    }

    /** The number of values changed in the named column. */
    public int changed(String column) {
        return changedPerColumn[data.columnIndex(column)];
    }

    /** Total values changed over all columns. */
    public long totalChanged() {
        long s = 0;
        for (int c : changedPerColumn) {
            s += c;
        }
        return s;
    }

    /** The number of rows removed. */
    public int rowsRemoved() {
        return removedRows.length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CleaningResult)) {
            return false;
        }
        CleaningResult r = (CleaningResult) o;
        return data.equals(r.data) && Arrays.equals(changedPerColumn, r.changedPerColumn)
                && Arrays.equals(removedRows, r.removedRows);
    }

    @Override
    public int hashCode() {
        return data.hashCode() * 31 + Arrays.hashCode(changedPerColumn);
    }

    @Override
    public String toString() {
        return "CleaningResult[" + data.shape() + ", changedPerColumn=" + Arrays.toString(changedPerColumn)
                + ", rowsRemoved=" + removedRows.length + "]";
    }
}
