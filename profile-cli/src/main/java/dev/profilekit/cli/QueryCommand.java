package dev.profilekit.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ExplanationJson;
import dev.profilekit.core.io.ProfileJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit query}: one user's profile, from a profiles file or a snapshot, printed for a person. */
@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints one user's profile readably: one line per feature (nested values with dotted names, "
                + "top-k lists as value (weight)), or the profile's JSON with --json.",
                "The profile comes from a profiles file written by replay or demo (JSON Lines, .gz, or - for stdin), "
                + "or from a snapshot written by replay --snapshot-dir (give the schema, and the models file and keys "
                + "the replay used).",
                "Exit codes: 0 found, 1 no such user, 2 bad flag, unreadable input or a snapshot that cannot be read "
                + "(wrong or missing key, another schema or models file, damaged).",
                "Examples:",
                "  java -jar profilekit.jar query --profiles profilekit-demo/profiles.jsonl \\",
                "      --user u0001",
                "  java -jar profilekit.jar query --snapshot state/snapshot-000000002948.pks \\",
                "      --schema examples/ecommerce/schema.json --user u0001 \\",
                "      --as-of 2026-01-12T00:00:00Z"})
final class QueryCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--profiles", required = true, paramLabel = "P.jsonl",
                description = "profiles written by replay or demo (.gz read compressed; - reads stdin). "
                        + "Example: --profiles profiles.jsonl")
        String profiles;

        @Option(names = "--snapshot", required = true, paramLabel = "FILE.pks",
                description = "a snapshot written by replay --snapshot-dir (needs --schema). "
                        + "Example: --snapshot state/snapshot-000000100000.pks")
        Path snapshot;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--user", required = true, paramLabel = "U",
            description = "the user id (with --pseudonymise-key, the raw id; it is pseudonymised here). Example: --user u42")
    String user;

    @Option(names = "--schema", paramLabel = "S.json",
            description = "with --snapshot: the schema the snapshot was written with. Example: --schema schema.json")
    Path schemaFile;

    @Option(names = "--models", paramLabel = "M.json",
            description = "with --snapshot: the models file the replay used, if any. Example: --models examples/live/models.json")
    Path modelsFile;

    @Option(names = "--as-of", paramLabel = "T",
            description = "with --snapshot: evaluate as of T (ISO-8601 or epoch ms), at or after the user's latest "
                    + "event. Default: the user's latest event. Example: --as-of 2026-01-12T00:00:00Z")
    String asOf;

    @Option(names = "--audiences", paramLabel = "A.json",
            description = "with --snapshot: the audiences file the replay used, if any; the profile then lists the "
                    + "user's audiences as of the same time. Example: --audiences examples/ecommerce/audiences.json")
    Path audiencesFile;

    @Option(names = "--pseudonymise-key", paramLabel = "K",
            description = "with --snapshot: the key the replay pseudonymised with. " + CliSupport.KEY_FILE_RULE
                    + " Example: --pseudonymise-key secret.key")
    Path pseudonymKeyFile;

    @Option(names = "--encryption-key", paramLabel = "K",
            description = "with --snapshot: the key the snapshot was encrypted with. " + CliSupport.KEY_FILE_RULE
                    + " Example: --encryption-key aes.key")
    Path encryptionKeyFile;

    @Option(names = "--explain",
            description = "with --snapshot and --models: also print why the live models give the scores: each "
                    + "input's term of the propensity logit (raw value, z-score, weight, contribution; largest first), "
                    + "the distance to every segment and the inputs that separate the segment from the next nearest, "
                    + "the forecast's daily inputs and interval (with --json: an \"explain\" object)")
    boolean explain;

    @Option(names = "--json", description = "print the profile as indented JSON instead of a table")
    boolean json;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        if (user.isBlank()) {
            throw new CliSupport.UsageException("--user must not be blank");
        }
        if (source.profiles != null && (schemaFile != null || modelsFile != null || asOf != null
                || pseudonymKeyFile != null || encryptionKeyFile != null || audiencesFile != null)) {
            throw new CliSupport.UsageException("--schema, --models, --audiences, --as-of and the keys go with "
                    + "--snapshot, not --profiles (a profiles file holds values already evaluated)");
        }
        if (explain && (source.profiles != null || modelsFile == null)) {
            throw new CliSupport.UsageException("--explain needs --snapshot FILE.pks with --models M.json (a profiles "
                    + "file holds scores, not the models that gave them)");
        }
        Optional<JsonNode> found = source.profiles != null ? fromProfiles(source.profiles) : fromSnapshot();
        PrintStream out = System.out;
        if (found.isEmpty()) {
            System.err.println("profilekit: no profile for user '" + user + "' in "
                    + (source.profiles != null ? source.profiles : source.snapshot));
            return 1;
        }
        JsonNode p = found.get();
        if (json) {
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(p));
        } else {
            out.print(render(p));
            if (p.has("explain")) {
                out.print(ExplainText.render(p.get("explain")));
            }
        }
        out.flush();
        return 0;
    }

    private Optional<JsonNode> fromProfiles(String file) throws IOException {
        int lineNo = 0;
        String asWritten = new String(JsonStringEncoder.getInstance().quoteAsString(user));
        boolean checked = false; // the first line is always parsed: is this a profiles file at all?
        try (BufferedReader r = openReader(file)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank() || checked && !mayHold(line, asWritten)) {
                    continue;
                }
                JsonNode n;
                try {
                    n = MAPPER.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new CliSupport.UsageException("--profiles " + file + " line " + lineNo
                            + " is not a profile: not JSON at "
                            + dev.profilekit.features.io.JsonCodec.problem(e, false), e);
                }
                if (!checked) {
                    checked = true;
                    notProfiles(n, file, lineNo);
                }
                if (n.path("user").isTextual() && n.get("user").textValue().equals(user) && n.has("features")) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Fails with a one-line usage error when {@code first}, the first line of a {@code --profiles} file, is not a
     * profile as replay writes them (an object with a text {@code "user"} and an object {@code "features"}): it
     * names what the line looks like instead (an event, which replay turns into profiles).
     */
    static void notProfiles(JsonNode first, String file, long lineNo) {
        if (first.isObject() && first.path("user").isTextual() && first.path("features").isObject()) {
            return;
        }
        String looks = first.isObject() && first.has("type") && first.has("ts")
                ? "an event (with \"type\" and \"ts\"), not a profile: replay turns events into profiles "
                        + "(java -jar profilekit.jar replay --schema S.json --events " + file + " --out profiles.jsonl)"
                : "not a profile (a JSON object with \"user\" and \"features\", as replay and demo write them)";
        throw new CliSupport.UsageException("--profiles " + file + " is not a profiles file: line " + lineNo
                + " is " + looks);
    }

    /**
     * Whether a profile line may hold the user, a cheap test that never rejects a line that does: the line holds the
     * id as the profile writer escapes it ({@code asWritten}), or it holds a backslash, so that some string in it
     * may be written with escapes this writer does not use (another program's file). A line without a backslash
     * writes each string as its characters, and an id that needs escaping cannot appear in it. The caller confirms
     * with a real parse.
     */
    static boolean mayHold(String line, String asWritten) {
        return line.contains(asWritten) || line.indexOf('\\') >= 0;
    }

    private static BufferedReader openReader(String file) {
        return new BufferedReader(new java.io.InputStreamReader(CliIo.openInput("--profiles", file, null),
                java.nio.charset.StandardCharsets.UTF_8), 1 << 16);
    }

    private Optional<JsonNode> fromSnapshot() throws IOException {
        try (ProfileUpdater u = SnapshotReader.open(new SnapshotReader.Flags(source.snapshot, schemaFile, modelsFile,
                audiencesFile, pseudonymKeyFile, encryptionKeyFile))) {
            Optional<Profile> p;
            if (asOf == null) {
                p = u.profile(user);
            } else {
                long t = CliSupport.parseTime(asOf, "--as-of");
                if (u.profile(user).isEmpty()) {
                    return Optional.empty();
                }
                try {
                    p = Optional.of(u.profile(user, t));
                } catch (IllegalArgumentException e) {
                    throw new CliSupport.UsageException("--as-of " + asOf + ": " + CliSupport.oneLine(e), e);
                }
            }
            if (p.isEmpty()) {
                return Optional.empty();
            }
            ObjectNode n = (ObjectNode) MAPPER.readTree(ProfileJson.toJson(p.get()));
            n.put("user", user); // the raw id the person asked for, also when the store holds a pseudonym
            if (audiencesFile != null) {
                n.set("audiences", MAPPER.valueToTree(u.audiencesByKey(p.get().user(), p.get().asOf())));
            }
            if (explain) {
                ObjectNode e = (ObjectNode) MAPPER.readTree(ExplanationJson.toJson(
                        u.explainByKey(p.get().user(), p.get().asOf()).orElseThrow()));
                e.put("user", user);
                n.set("explain", e);
            }
            return Optional.of(n);
        }
    }

    /** The profile as aligned "name  value" lines: nested objects flattened with dots, top-k as value (weight). */
    static String render(JsonNode p) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"user", p.path("user").asText()});
        if (p.has("as_of") && p.get("as_of").canConvertToLong()) {
            long t = p.get("as_of").asLong();
            rows.add(new String[] {"as of", Instant.ofEpochMilli(t) + " (" + t + ")"});
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("user") || e.getKey().equals("as_of") || e.getKey().equals("explain")) {
                continue;
            }
            String prefix = e.getKey().equals("features") ? "" : e.getKey();
            flatten(prefix, e.getValue(), rows);
        }
        int width = 0;
        for (String[] r : rows) {
            width = Math.max(width, r[0].length());
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(r[0]).append(" ".repeat(width - r[0].length() + 2)).append(r[1]).append('\n');
        }
        return sb.toString();
    }

    private static void flatten(String name, JsonNode v, List<String[]> rows) {
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), e.getValue(), rows);
            }
        } else if (v.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : v) {
                if (item.isArray() && item.size() == 2 && item.get(1).isNumber()) {
                    items.add(text(item.get(0)) + " (" + number(item.get(1)) + ")");
                } else {
                    items.add(text(item));
                }
            }
            rows.add(new String[] {name, items.isEmpty() ? "(none)" : String.join(", ", items)});
        } else {
            rows.add(new String[] {name, text(v)});
        }
    }

    static String text(JsonNode v) {
        if (v.isNull()) {
            return "-";
        }
        if (v.isNumber()) {
            return number(v);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** Integers as they are; other numbers with at most 6 significant digits, as a person reads them. */
    private static String number(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        double d = v.asDouble();
        if (!Double.isFinite(d) || d == 0) {
            return d == 0 ? "0" : Double.toString(d);
        }
        java.math.BigDecimal r = new java.math.BigDecimal(d).round(new java.math.MathContext(6)).stripTrailingZeros();
        return Math.abs(d) < 1e-4 || Math.abs(d) >= 1e15 ? r.toString() : r.toPlainString();
    }
}
