package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A coded top-k counter of a few values is two primitive arrays (codes, and (weight, time) pairs) and no objects per
 * value (issue 21: compact variable-size state), and reads the same as a counter of strings.
 */
class TopKCounterLayoutTest {

    private static final long HOUR = 3_600_000L;

    /** The non-null array fields of {@code o}, by type name. */
    private static List<String> arrays(Object o) throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        for (Field f : o.getClass().getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && f.getType().isArray()) {
                f.setAccessible(true);
                if (f.get(o) != null) {
                    out.add(f.getType().getSimpleName());
                }
            }
        }
        return out;
    }

    @Test
    void aFewCodedValuesAreAnIntArrayAndOneLongArray() throws Exception {
        StringDictionary d = new StringDictionary(100);
        TopKCounter coded = new TopKCounter(16, HOUR, d);
        TopKCounter plain = new TopKCounter(16, HOUR);
        String[] values = {"books", "games", "books", "toys", "books", "games"};
        for (int i = 0; i < values.length; i++) {
            int pin = d.acquire(values[i]);
            coded.prepare(values[i], pin);
            coded.add(values[i], pin, i * HOUR / 3);
            d.release(pin);
            plain.prepare(values[i]);
            plain.add(values[i], i * HOUR / 3);
        }
        assertThat(arrays(coded)).containsExactlyInAnyOrder("int[]", "long[]");
        long asOf = 2 * HOUR;
        assertThat(coded.top(3, asOf)).isEqualTo(plain.top(3, asOf));
        assertThat(coded.leading()).isEqualTo("books");
        coded.release();
        assertThat(d.size()).isZero();
        assertThat(coded.top(3, asOf)).isEqualTo(plain.top(3, asOf));
    }
}
