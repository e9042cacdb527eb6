package dev.profilekit.features.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@link JsonCodec#problem}: where and what, in words a person reads, without Jackson's internals. */
class JsonProblemTest {

    private static JsonProcessingException failure(String json) {
        try {
            new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            return e;
        }
        throw new AssertionError("parsed: " + json);
    }

    @Test
    void namesLineAndColumnAndLeavesOutSourceAndFeatureAdvice() {
        String cut = JsonCodec.problem(failure("{\"a\": {\"b\": 1,\n  \"c\": 2"), true);
        assertThat(cut).startsWith("line 2, column ").contains(": Unexpected end-of-input")
                .contains("(start marker at line 1, column 7)");
        String infinity = JsonCodec.problem(failure("{\"a\": Infinity}"), true);
        assertThat(infinity).isEqualTo("line 1, column 15: Non-standard token 'Infinity'");
        String token = JsonCodec.problem(failure("user,ts,label"), false);
        assertThat(token).startsWith("column 5: Unrecognized token 'user'");
        for (String m : new String[] {cut, infinity, token}) {
            assertThat(m).doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("Feature")
                    .doesNotContain("\n");
        }
    }
}
