package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.ModelOutputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new feature kind is one file plus one registration line: three test-only kinds ({@link LongestValueKind},
 * {@link MaxValueKind}, {@link RangeKind}), each in its own file, registered here by one line each (in place of the
 * engine's {@code last_value}, {@code sum} and {@code distinct_count}, whose schema parameters they take), are
 * compiled, updated all or nothing with the built-in kinds, read, encoded and decoded, and output as JSON and as
 * columns, with no other file touched.
 */
class NewFeatureKindTest {

    private static final FeatureKinds KINDS = FeatureKinds.STANDARD
            .with(FeatureKind.LAST_VALUE, LongestValueKind::new)
            .with(FeatureKind.SUM, MaxValueKind::new)
            .with(FeatureKind.DISTINCT_COUNT, RangeKind::new);

    private static final ProfileSchema SCHEMA = ProfileSchema.builder()
            .feature(FeatureSpec.count("n"))
            .feature(FeatureSpec.sum("max", "amount"))
            .feature(FeatureSpec.lastValue("longest", "name"))
            .feature(FeatureSpec.stats("s", "amount"))
            .feature(FeatureSpec.distinctCount("range", "amount"))
            .build();

    private static Event buy(String id, long t, Double amount, String name) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (amount != null) {
            attrs.put("amount", amount);
        }
        if (name != null) {
            attrs.put("name", name);
        }
        return Event.of(id, "u", "buy", t, attrs);
    }

    private static void apply(CompiledSchema c, ProfileState s, Event e) {
        c.apply(s, e, c.typeId(e.type()), e.timestamp(), null, c.scratch());
    }

    @Test
    void aKindInItsOwnFileIsCompiledUpdatedReadEncodedAndOutput() {
        CompiledSchema c = new CompiledSchema(SCHEMA, List.of(), KINDS);
        assertThat(c.slot("max")).isInstanceOf(MaxValueKind.class);
        assertThat(c.slot("longest")).isInstanceOf(LongestValueKind.class);
        ProfileState s = c.newState("u");
        apply(c, s, buy("e1", 1_000, 3.0, "ab"));
        apply(c, s, buy("e2", 2_000, 7.5, "abcd"));
        apply(c, s, buy("e3", 3_000, -1.0, "wxyz"));
        apply(c, s, buy("e4", 4_000, null, "xyz"));

        Map<String, Object> read = c.read(s, 5_000);
        assertThat(read.get("n")).isEqualTo(4L);
        assertThat(read.get("max")).isEqualTo(7.5);
        assertThat(read.get("longest")).isEqualTo("abcd"); // "wxyz" ties and comes later
        assertThat(((StatsValue) read.get("s")).count()).isEqualTo(3L);
        assertThat(c.reader("max").numeric(s, 5_000)).isEqualTo(7.5);
        assertThat(c.reader("longest").string(s)).isEqualTo("abcd");
        assertThat(c.reader("longest").numeric(s, 5_000)).isEqualTo(4.0);

        StateCodec codec = new StateCodec(c, null, 42L);
        byte[] bytes = codec.encode(s);
        ProfileState back = codec.decode(bytes, "test state");
        assertThat(c.read(back, 5_000)).isEqualTo(read);
        assertThat(codec.encode(back)).isEqualTo(bytes);

        CompiledFeature longest = c.slot("longest");
        assertThat(longest.columns()).containsExactly(new Column("longest.value", Type.STRING),
                new Column("longest.length", Type.INTEGER));
        Object[] cells = new Object[3];
        longest.cells(read.get("longest"), cells, 1);
        assertThat(cells).containsExactly(null, "abcd", 4L);
        assertThat(c.slot("max").columns()).containsExactly(new Column("max", Type.NUMBER));

        // a structured value: JSON, parts and columns with no change outside its file
        Profile profile = new Profile("u", 5_000, c.read(s, 5_000), ModelOutputs.NONE);
        assertThat(profile.get("range.min")).isEqualTo(-1.0);
        assertThat(profile.get("range.max")).isEqualTo(7.5);
        assertThat(ProfileJson.toJson(profile)).contains("\"range\":{\"min\":-1.0,\"max\":7.5}");
        CompiledFeature range = c.slot("range");
        assertThat(range.columns()).extracting(Column::name).containsExactly("range.min", "range.max");
        Object[] rangeCells = new Object[2];
        range.cells(profile.get("range"), rangeCells, 0);
        assertThat(rangeCells).containsExactly(-1.0, 7.5);

        ProfileState empty = c.newState("v");
        assertThat(c.read(empty, 5_000).get("max")).isNull();
        assertThat(c.read(empty, 5_000).get("range")).isNull();
        assertThat(codec.decode(codec.encode(empty), "empty state").objects[longest.objectSlot()]).isNull();
    }

    @Test
    void aNewKindsOwnUpdateIsUndoneWithTheRestOfAFailedEvent() {
        CompiledSchema c = new CompiledSchema(SCHEMA, List.of(), KINDS);
        ProfileState s = c.newState("u");
        apply(c, s, buy("e1", 1_000, -1e308, "a"));
        Map<String, Object> before = c.read(s, 5_000);
        // the stats' mean overflows: the whole event is rejected, the new kinds' updates with it
        assertThatThrownBy(() -> apply(c, s, buy("e2", 2_000, 1e308, "longer")))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidEventException.Reason.OVERFLOW));
        assertThat(c.read(s, 5_000)).isEqualTo(before);
        assertThat(before.get("max")).isEqualTo(-1e308);
        assertThat(before.get("longest")).isEqualTo("a");
    }
}
