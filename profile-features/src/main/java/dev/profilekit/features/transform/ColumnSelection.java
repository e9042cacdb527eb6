package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import java.util.Arrays;

/**
 * A fitted, immutable choice of columns (by name), with the score that chose each one, produced by
 * {@link FeatureSelection#topK}, {@link FeatureSelection#varianceThreshold} and friends.
 * {@link #apply(Dataset)} keeps those columns, in this selection's order, from any dataset that has them.
 * JSON {@code {"format":"profilekit.column-selection","version":1,...}}.
 */
public final class ColumnSelection {

    private static final String FORMAT = "profilekit.column-selection";
    private static final int VERSION = 1;

    private final String criterion;
    private final String[] selected;
    private final double[] scores;

    private ColumnSelection(String criterion, String[] selected, double[] scores) {
        this.criterion = criterion;
        this.selected = selected;
        this.scores = scores;
    }

    /**
     * A selection of the named columns with their scores.
     *
     * @param criterion a short description of how they were chosen (e.g. {@code "top-3 |pearson|"})
     * @throws IllegalArgumentException on null or repeated names or a length mismatch
     */
    public static ColumnSelection of(String criterion, String[] selected, double[] scores) {
        Checks.requireNonNull(criterion, "criterion");
        Checks.requireNonNull(selected, "selected");
        Checks.requireNonNull(scores, "scores");
        Checks.requireArgument(selected.length == scores.length, "selected has %d names, scores has %d values",
                selected.length, scores.length);
        for (int i = 0; i < selected.length; i++) {
            Checks.requireArgument(selected[i] != null, "selected[%d] must not be null", i);
            for (int k = 0; k < i; k++) {
                Checks.requireArgument(!selected[k].equals(selected[i]), "column '%s' is selected twice", selected[i]);
            }
        }
        return new ColumnSelection(criterion, selected.clone(), scores.clone());
    }

    /** Keeps the selected columns of {@code data} in selection order; fails naming a missing column. */
    public Dataset apply(Dataset data) {
        Checks.requireNonNull(data, "data");
        Checks.requireArgument(selected.length > 0, "selection is empty (%s): no column would remain", criterion);
        return data.selectColumns(selected);
    }

    /** How the columns were chosen. */
    public String criterion() {
        return criterion;
    }

    /** A copy of the selected column names, best first. */
    public String[] selected() {
        return selected.clone();
    }

    /** A copy of the scores of the selected columns. */
    public double[] scores() {
        return scores.clone();
    }

    /** This selection as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        o.put("criterion", criterion);
        o.set("selected", JsonCodec.strings(selected));
        o.set("scores", JsonCodec.doubles(scores));
        return JsonCodec.write(o);
    }

    /** Reads a selection written by {@link #toJson()}. */
    public static ColumnSelection fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        return of(JsonCodec.readText(n, "criterion"), JsonCodec.readStrings(n, "selected"), JsonCodec.readDoubles(n, "scores"));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ColumnSelection)) {
            return false;
        }
        ColumnSelection c = (ColumnSelection) o;
        return criterion.equals(c.criterion) && Arrays.equals(selected, c.selected) && Arrays.equals(scores, c.scores);
    }

    @Override
    public int hashCode() {
        return criterion.hashCode() * 31 + Arrays.hashCode(selected);
    }

    @Override
    public String toString() {
        return "ColumnSelection[" + criterion + ", " + Arrays.toString(selected) + "]";
    }
}
