package dev.profilekit.features.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The one NaN/infinity rule of the shared codec, its old spellings, and exact round trips of finite doubles. */
class JsonCodecTest {

    @Test
    void nonFiniteValuesAreWrittenByTheOneRule() {
        ObjectNode o = JsonCodec.header("profilekit.test", 1);
        o.set("v", JsonCodec.doubles(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1}));
        assertThat(JsonCodec.write(o))
                .isEqualTo("{\"format\":\"profilekit.test\",\"version\":1,\"v\":[null,\"Infinity\",\"-Infinity\",0.1]}");
    }

    @Test
    void readingAcceptsTheOldTransformSpellingOfNaN() {
        JsonNode n = JsonCodec.read("{\"format\":\"profilekit.test\",\"version\":1,\"a\":[\"NaN\",null,\"Infinity\","
                + "\"-Infinity\",-0.0],\"s\":\"NaN\",\"t\":null}", "profilekit.test", 1);
        double[] a = JsonCodec.readDoubles(n, "a");
        assertThat(a[0]).isNaN();
        assertThat(a[1]).isNaN();
        assertThat(a[2]).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(a[3]).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Double.doubleToRawLongBits(a[4])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(JsonCodec.readDouble(n, "s")).isNaN();
        assertThat(JsonCodec.readDouble(n, "t")).isNaN();
        assertThatThrownBy(() -> JsonCodec.readDouble(n, "absent"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("json field 'absent' is missing");
    }

    @Test
    void otherValuesAreRefusedNamingTheElement() {
        JsonNode n = JsonCodec.read("{\"format\":\"profilekit.test\",\"version\":1,\"a\":[1,\"nan\"],\"m\":[[1],[true]]}",
                "profilekit.test", 1);
        assertThatThrownBy(() -> JsonCodec.readDoubles(n, "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("json field 'a' element 1 must be a number");
        assertThatThrownBy(() -> JsonCodec.readMatrix(n, "m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("json field 'm' row 1 element 0 must be a number");
        assertThatThrownBy(() -> JsonCodec.readInts(n, "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("json field 'a' element 1 must be an int");
    }

    @Test
    void headerIsChecked() {
        String doc = JsonCodec.write(JsonCodec.header("profilekit.a", 3));
        assertThatThrownBy(() -> JsonCodec.read(doc, "profilekit.b", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("json format must be 'profilekit.b', was 'profilekit.a'");
        assertThatThrownBy(() -> JsonCodec.read(doc, "profilekit.a", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported profilekit.a version 3, this library reads version 1");
        assertThatThrownBy(() -> JsonCodec.read("[1]", "profilekit.a", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("json must be a JSON object with format 'profilekit.a'");
        assertThatThrownBy(() -> JsonCodec.read(null, "profilekit.a", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("json must not be null");
    }

    /** Any double, finite or not, reads back with the same bits (NaN: as the canonical NaN). */
    @Provide
    Arbitrary<Double> anyDouble() {
        return Arbitraries.oneOf(
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                        Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 0.1, 1.0 / 3),
                Arbitraries.longs().map(Double::longBitsToDouble));
    }

    @Property(tries = 500)
    void everyDoubleRoundTrips(@ForAll("anyDouble") double v) {
        ObjectNode o = JsonCodec.header("profilekit.test", 1);
        o.set("x", JsonCodec.number(v));
        o.set("xs", JsonCodec.doubles(new double[] {v, -v}));
        JsonNode back = JsonCodec.read(JsonCodec.write(o), "profilekit.test", 1);
        assertThat(Double.doubleToLongBits(JsonCodec.readDouble(back, "x"))).isEqualTo(Double.doubleToLongBits(v));
        assertThat(JsonCodec.readDoubles(back, "xs")).usingElementComparator(Double::compare).containsExactly(v, -v);
    }
}
