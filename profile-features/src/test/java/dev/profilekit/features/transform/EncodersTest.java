package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Murmur3 test vectors, one-hot policies, hashing vs one-hot equivalence, crosses vs naive. */
class EncodersTest {

    static final String[] COLS = {"color", "size"};
    static final String[][] ROWS = {{"red", "S"}, {"blue", "M"}, {"red", "L"}, {"green", "M"}};

    @Test
    void murmur3MatchesPublishedVectors() {
        // MurmurHash3_x86_32 reference vectors (SMHasher; also listed on Wikipedia's MurmurHash page)
        assertThat(MurmurHash3.hash32(new byte[0], 0, 0, 0)).isEqualTo(0);
        assertThat(MurmurHash3.hash32(new byte[0], 0, 0, 1)).isEqualTo(0x514E28B7);
        assertThat(MurmurHash3.hash32(new byte[0], 0, 0, 0xffffffff)).isEqualTo(0x81F16F39);
        assertThat(MurmurHash3.hash32(new byte[] {0, 0, 0, 0}, 0, 4, 0)).isEqualTo(0x2362F9DE);
        assertThat(MurmurHash3.hash32(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, 0, 4, 0))
                .isEqualTo(0x76293B50);
        assertThat(MurmurHash3.hash32(new byte[] {0x21, 0x43, 0x65, (byte) 0x87}, 0, 4, 0)).isEqualTo(0xF55B516B);
        assertThat(MurmurHash3.hash32(new byte[] {0x21, 0x43, 0x65}, 0, 3, 0)).isEqualTo(0x7E4A8634);
        assertThat(MurmurHash3.hash32(new byte[] {0x21, 0x43}, 0, 2, 0)).isEqualTo(0xA0F7B07A);
        assertThat(MurmurHash3.hash32(new byte[] {0x21}, 0, 1, 0)).isEqualTo(0x72661CF4);
        assertThat(MurmurHash3.hash32("Hello, world!", 0x9747b28c)).isEqualTo(0x24884CBA);
        assertThat(MurmurHash3.hash32("The quick brown fox jumps over the lazy dog", 0x9747b28c)).isEqualTo(0x2FA826CD);
        byte[] utf8 = "π".getBytes(StandardCharsets.UTF_8);
        assertThat(MurmurHash3.hash32("π", 7)).isEqualTo(MurmurHash3.hash32(utf8, 0, utf8.length, 7));
    }

    @Test
    void oneHotSortsCategoriesAndAppliesPolicies() {
        OneHotEncoder enc = OneHotEncoder.fit(COLS, ROWS, UnseenPolicy.IGNORE);
        assertThat(enc.outputColumns()).containsExactly("color=blue", "color=green", "color=red", "size=L", "size=M", "size=S");
        Dataset t = enc.transform(new String[][] {{"red", "M"}, {"purple", "S"}});
        assertThat(t.row(0)).containsExactly(0, 0, 1, 0, 1, 0);
        assertThat(t.row(1)).containsExactly(0, 0, 0, 0, 0, 1);

        OneHotEncoder other = OneHotEncoder.fit(COLS, ROWS, UnseenPolicy.OTHER);
        assertThat(other.outputColumns()).containsExactly("color=blue", "color=green", "color=red", "color=__other__",
                "size=L", "size=M", "size=S", "size=__other__");
        assertThat(other.transform(new String[][] {{"purple", "XL"}}).row(0)).containsExactly(0, 0, 0, 1, 0, 0, 0, 1);

        OneHotEncoder strict = OneHotEncoder.fit(COLS, ROWS, UnseenPolicy.ERROR);
        assertThatThrownBy(() -> strict.transform(new String[][] {{"red", "M"}, {"purple", "S"}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows column 'color' (index 0) row 1 has category 'purple' not seen at fit time "
                        + "(known: [blue, green, red])");
    }

    @Test
    void hashingEqualsSignedOneHotWhenThereAreNoCollisions() {
        OneHotEncoder enc = OneHotEncoder.fit(COLS, ROWS, UnseenPolicy.ERROR);
        FeatureHasher hasher = FeatureHasher.of(1 << 10);
        String[] tokens = enc.outputColumns(); // "column=value" is exactly the hashing token
        Set<Integer> slots = new HashSet<>();
        for (String t : tokens) {
            slots.add(hasher.index(t));
        }
        assertThat(slots).as("no collisions among %d tokens", tokens.length).hasSize(tokens.length);
        Dataset oneHot = enc.transform(ROWS);
        Dataset hashed = hasher.transform(COLS, ROWS);
        for (int i = 0; i < ROWS.length; i++) {
            double[] expected = new double[hasher.numFeatures()];
            for (int c = 0; c < tokens.length; c++) {
                expected[hasher.index(tokens[c])] += hasher.sign(tokens[c]) * oneHot.get(i, c);
            }
            assertThat(hashed.row(i)).containsExactly(expected);
            // without collisions the absolute hashed vector is a permutation of the one-hot row
            assertThat(java.util.Arrays.stream(hashed.row(i)).map(Math::abs).sum()).isEqualTo(COLS.length);
        }
    }

    @Test
    void hasherIndexAndSignFollowTheStatedRule() {
        FeatureHasher h = FeatureHasher.of(100, 0, true);
        for (String t : new String[] {"a=1", "color=red", "x", ""}) {
            int raw = MurmurHash3.hash32(t, 0);
            assertThat(h.index(t)).isEqualTo((int) (Math.abs((long) raw) % 100));
            assertThat(h.sign(t)).isEqualTo(raw >= 0 ? 1 : -1);
        }
        assertThat(FeatureHasher.of(100, 0, false).sign("color=red")).isEqualTo(1);
    }

    @Test
    void pairwiseProductsMatchNaive() {
        Dataset d = Dataset.of(new String[] {"a", "b", "c"}, new double[][] {{1, 2, 3}, {-1, 0.5, 4}}, new double[] {1, 0});
        Dataset p = CrossFeatures.pairwiseProducts(d);
        assertThat(p.columns()).containsExactly("a*b", "a*c", "b*c");
        assertThat(p.row(0)).containsExactly(2, 3, 6);
        assertThat(p.row(1)).containsExactly(-0.5, -4, 2);
        assertThat(p.labels()).containsExactly(1, 0);
    }

    @Test
    void hashedCrossesHashThePairTokens() {
        FeatureHasher h = FeatureHasher.of(64);
        Dataset crosses = CrossFeatures.hashedCrosses(COLS, ROWS, h);
        String[][] pairTokens = new String[ROWS.length][1];
        for (int i = 0; i < ROWS.length; i++) {
            pairTokens[i][0] = ROWS[i][0] + "&size=" + ROWS[i][1];
        }
        // the cross of (color, size) is the single token "color=<c>&size=<s>", i.e. column "color" with value "<c>&size=<s>"
        assertThat(crosses).isEqualTo(h.transform(new String[] {"color"}, pairTokens));
    }
}
