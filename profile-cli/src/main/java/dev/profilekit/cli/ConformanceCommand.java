package dev.profilekit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.cli.conformance.Conformance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code profilekit conformance FILE.json}: the fixture runner of the fixtures README. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Runs one reference fixture through the library and prints its results as one JSON object "
                + "under the fixture's expected keys. It never reads 'expected'.",
                "Example: java -jar profilekit.jar conformance iris-scaling-pca.json"})
final class ConformanceCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE.json", description = "the fixture file (kinds: see the README)")
    Path file;

    @Override
    public Integer call() {
        CliSupport.requireReadable(file, "fixture");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode fixture;
        try {
            fixture = mapper.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliSupport.UsageException("fixture " + file + " is not JSON: "
                    + dev.profilekit.features.io.JsonCodec.problem(e, true), e);
        } catch (IOException e) {
            throw new CliSupport.UsageException("cannot read fixture " + file + ": " + CliSupport.oneLine(e), e);
        }
        ObjectNode result = Conformance.run(fixture);
        System.out.println(result.toString());
        return 0;
    }
}
