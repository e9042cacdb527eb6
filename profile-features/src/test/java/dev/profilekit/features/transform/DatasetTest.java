package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class DatasetTest {

    @Test
    void ofCopiesItsInputs() {
        double[][] rows = {{1, 2}, {3, 4}};
        double[] labels = {0, 1};
        Dataset d = Dataset.of(new String[] {"stats.mean", "b"}, rows, labels);
        rows[0][0] = 99;
        labels[0] = 99;
        assertThat(d.get(0, 0)).isEqualTo(1.0);
        assertThat(d.labels()).containsExactly(0, 1);
        assertThat(d.columnIndex("stats.mean")).isZero();
        d.toArray()[0][0] = 42;
        assertThat(d.get(0, 0)).isEqualTo(1.0);
    }

    @Test
    void builderAppendsRows() {
        Dataset.Builder b = Dataset.builder("a", "b");
        b.addRow(new double[] {1, 2}, 1).addRow(new double[] {3, Double.NaN}, 0);
        Dataset d = b.build();
        assertThat(d.rowCount()).isEqualTo(2);
        assertThat(d.labels()).containsExactly(1, 0);
        assertThat(d.get(1, 1)).isNaN();
        assertThat(d).isEqualTo(Dataset.of(new String[] {"a", "b"}, new double[][] {{1, 2}, {3, Double.NaN}}, new double[] {1, 0}));
        assertThatThrownBy(() -> b.addRow(1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unlabelled");
        assertThatThrownBy(() -> b.addRow(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 2 has 1 values, dataset has 2 columns");
    }

    @Test
    void csvReadsHeaderMissingValuesAndLabels() {
        String csv = "age,\"stats.mean\",y\n"
                + "30,1.5,1\n"
                + ",2.5,0\n"
                + "NA,,1\n"
                + "\n"
                + "41,?,0\n";
        Dataset d = Dataset.fromCsv(new StringReader(csv), "y");
        assertThat(d.columns()).containsExactly("age", "stats.mean");
        assertThat(d.rowCount()).isEqualTo(4);
        assertThat(d.labels()).containsExactly(1, 0, 1, 0);
        assertThat(d.get(0, 0)).isEqualTo(30.0);
        assertThat(d.get(1, 0)).isNaN();
        assertThat(d.get(2, 0)).isNaN();
        assertThat(d.get(2, 1)).isNaN();
        assertThat(d.get(3, 1)).isNaN();
        Dataset unlabelled = Dataset.fromCsv(new StringReader(csv), null);
        assertThat(unlabelled.hasLabels()).isFalse();
        assertThat(unlabelled.columnCount()).isEqualTo(3);
    }

    @Test
    void csvErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> Dataset.fromCsv(new StringReader("a,b\n1,x\n"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("'b'").hasMessageContaining("'x'");
        assertThatThrownBy(() -> Dataset.fromCsv(new StringReader("a,b\n1\n"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2 has 1 cells, header has 2");
        assertThatThrownBy(() -> Dataset.fromCsv(new StringReader("a,b\n1,2\n"), "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelColumn 'y'");
    }

    @Test
    void shapeErrorsNameTheShapes() {
        assertThatThrownBy(() -> Dataset.of(new String[] {"a", "b"}, new double[][] {{1, 2}, {3}}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 1 has 1 values, dataset has 2 columns");
        assertThatThrownBy(() -> Dataset.of(new String[] {"a"}, new double[][] {{1}}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("labels has 2 values, dataset has 1 rows");
        assertThatThrownBy(() -> Dataset.of(new String[] {"a", "a"}, new double[0][], null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> Dataset.of(new String[] {"a"}, new double[0][], null).columnIndex("b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 'b' is not in the dataset");
    }

    @Test
    void selectAndAppend() {
        Dataset d = Dataset.of(new String[] {"a", "b", "c"}, new double[][] {{1, 2, 3}, {4, 5, 6}}, new double[] {7, 8});
        Dataset s = d.selectColumns("c", "a").selectRows(new int[] {1});
        assertThat(s.columns()).containsExactly("c", "a");
        assertThat(s.row(0)).containsExactly(6, 4);
        assertThat(s.labels()).containsExactly(8);
        Dataset w = d.selectColumns("a").appendColumns(Dataset.of(new String[] {"z"}, new double[][] {{0}, {1}}));
        assertThat(w.columns()).containsExactly("a", "z");
        assertThat(w.row(1)).containsExactly(4, 1);
    }
}
