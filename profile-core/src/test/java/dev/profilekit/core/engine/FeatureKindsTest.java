package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The registry of feature kinds covers every kind of the specification, each compiled by its own class. */
class FeatureKindsTest {

    /** A feature of {@code kind} with every parameter the kind requires (as its enum constant declares them). */
    static FeatureSpec sample(FeatureKind kind) {
        Set<String> p = kind.requiredParameters();
        Duration hour = Duration.ofHours(1);
        return new FeatureSpec("f", kind, List.of(), p.contains("field") ? "x" : null,
                p.contains("half_life") ? hour : null, p.contains("window") ? hour : null,
                p.contains("buckets") ? 4 : 0, p.contains("k") ? 3 : 0, 0,
                p.contains("numerator") ? "a" : null, p.contains("denominator") ? "b" : null,
                p.contains("gap") ? hour : null);
    }

    @ParameterizedTest
    @EnumSource(FeatureKind.class)
    void everyKindIsRegisteredAndCompiledByItsOwnClass(FeatureKind kind) {
        assertThat(FeatureKinds.STANDARD.covers(kind)).isTrue();
        Layout layout = new Layout();
        CompiledFeature f = FeatureKinds.STANDARD.compile(sample(kind), layout);
        assertThat(f.spec().kind()).isEqualTo(kind);
        assertThat(f.getClass().getEnclosingClass()).as("a top-level class of its own").isNull();
        assertThat(f.getClass().getSimpleName()).endsWith("Kind");
        assertThat(f.columns()).isNotEmpty().allSatisfy(c -> assertThat(c.name()).startsWith("f"));
        // a kind takes slots unless it is computed on read
        assertThat(layout.values + layout.objects > 0).isEqualTo(kind != FeatureKind.RATIO);
    }
}
