package dev.profilekit.models.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.models.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Exactness of the JSON round trip for awkward doubles (signed zero, subnormals, extremes) and option values. */
class ModelJsonRoundTripTest {

    @Provide
    Arbitrary<Double> awkward() {
        return Arbitraries.oneOf(
                Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
                        Double.MIN_NORMAL, 0.1, 1.0 / 3, 1e-300, 123456789.123456789, 1e22, 1e23),
                Arbitraries.doubles(),
                Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite));
    }

    @Property(tries = 300)
    void logisticModelDoublesRoundTripBitForBit(@ForAll("awkward") double intercept,
                                                @ForAll @Size(min = 1, max = 8) List<@From("awkward") Double> coefs,
                                                @ForAll("awkward") double option, @ForAll int intOption,
                                                @ForAll long seed) {
        double[] w = coefs.stream().mapToDouble(Double::doubleValue).toArray();
        List<String> names = new ArrayList<>();
        for (int j = 0; j < w.length; j++) {
            names.add("f\"" + j + "\\é");
        }
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("lambda", option);
        options.put("cap", intOption);
        options.put("flag", true);
        options.put("name", "x");
        ModelInfo info = new ModelInfo("test/algorithm", options, seed, 10, w.length, "0.1.0");
        LogisticModel model = new LogisticModel(intercept, w, names,
                new Convergence(false, 3, option == 0 ? 0 : Math.abs(option), option), info);

        LogisticModel back = LogisticModel.fromJson(model.toJson());

        assertThat(back).isEqualTo(model);
        assertThat(Double.doubleToRawLongBits(back.intercept())).isEqualTo(Double.doubleToRawLongBits(intercept));
        for (int j = 0; j < w.length; j++) {
            assertThat(Double.doubleToRawLongBits(back.coefficients()[j])).isEqualTo(Double.doubleToRawLongBits(w[j]));
        }
        assertThat(back.info().options()).isEqualTo(options);
        assertThat(back.info().seed()).isEqualTo(seed);
    }
}
