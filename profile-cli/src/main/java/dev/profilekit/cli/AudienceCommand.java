package dev.profilekit.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.core.engine.ProfileUpdater;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit audience}: the members of an audience (or of every audience), for export. */
@Command(name = "audience", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists the members of an audience for export: with --name, one user id per line (sorted); "
                + "without it, one JSON line per audience: {\"audience\":\"lapsed\",\"as_of\":T,\"size\":2,"
                + "\"members\":[\"u1\",\"u2\"]}.",
                "From a snapshot written by replay --snapshot-dir with --audiences (give the schema, the audiences "
                + "file and the models file and keys the replay used), as of the snapshot's audience clock or "
                + "--as-of; or from a profiles file written by replay --audiences, as its profiles list them.",
                "With --pseudonymise-key the members are the pseudonyms the replay kept (the raw ids are not stored).",
                "Exit codes: 0 listed (also when the audience is empty), 2 bad flag, unknown audience, unreadable "
                + "input or a snapshot that cannot be read.",
                "Examples:",
                "  java -jar profilekit.jar audience --snapshot state/snapshot-000000002948.pks \\",
                "      --schema examples/ecommerce/schema.json \\",
                "      --audiences examples/ecommerce/audiences.json --name lapsed",
                "  java -jar profilekit.jar audience --profiles profiles.jsonl --out sizes.jsonl"})
final class AudienceCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--snapshot", required = true, paramLabel = "FILE.pks",
                description = "a snapshot written by replay --snapshot-dir with --audiences (needs --schema and "
                        + "--audiences). Example: --snapshot state/snapshot-000000100000.pks")
        Path snapshot;

        @Option(names = "--profiles", required = true, paramLabel = "P.jsonl",
                description = "profiles written by replay --audiences (.gz read compressed; - reads stdin). "
                        + "Example: --profiles profiles.jsonl")
        String profiles;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--name", paramLabel = "N",
            description = "the audience to list; default: every audience. Example: --name lapsed")
    String name;

    @Option(names = "--schema", paramLabel = "S.json",
            description = "with --snapshot: the schema the snapshot was written with. Example: --schema schema.json")
    Path schemaFile;

    @Option(names = "--audiences", paramLabel = "A.json",
            description = "with --snapshot: the audiences file the replay used. "
                    + "Example: --audiences examples/ecommerce/audiences.json")
    Path audiencesFile;

    @Option(names = "--models", paramLabel = "M.json",
            description = "with --snapshot: the models file the replay used, if any. Example: --models models.json")
    Path modelsFile;

    @Option(names = "--as-of", paramLabel = "T",
            description = "with --snapshot: the members as of T (ISO-8601 or epoch ms), at or after the snapshot's "
                    + "latest event. Default: the snapshot's audience clock (its latest event time). "
                    + "Example: --as-of 2026-02-01T00:00:00Z")
    String asOf;

    @Option(names = "--pseudonymise-key", paramLabel = "K",
            description = "with --snapshot: the key the replay pseudonymised with. " + CliSupport.KEY_FILE_RULE)
    Path pseudonymKeyFile;

    @Option(names = "--encryption-key", paramLabel = "K",
            description = "with --snapshot: the key the snapshot was encrypted with. " + CliSupport.KEY_FILE_RULE)
    Path encryptionKeyFile;

    @Option(names = "--out", paramLabel = "FILE",
            description = "where to write the list (replaced once complete); default: standard output. "
                    + "Example: --out lapsed.txt")
    String outFile;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        if (name != null && name.isBlank()) {
            throw new CliSupport.UsageException("--name must not be blank");
        }
        Members m;
        if (source.profiles != null) {
            if (schemaFile != null || audiencesFile != null || modelsFile != null || asOf != null
                    || pseudonymKeyFile != null || encryptionKeyFile != null) {
                throw new CliSupport.UsageException("--schema, --audiences, --models, --as-of and the keys go with "
                        + "--snapshot, not --profiles (a profiles file lists each user's audiences as of its time)");
            }
            m = fromProfiles(source.profiles);
        } else {
            if (audiencesFile == null) {
                throw new CliSupport.UsageException("--snapshot needs --audiences: the audiences file the replay "
                        + "used (the snapshot keeps the memberships, the file names the rules)");
            }
            m = fromSnapshot();
        }
        if (name != null && !m.members.containsKey(name)) {
            throw new CliSupport.UsageException("--name " + name + ": no such audience in " + m.where
                    + (m.members.isEmpty() ? " (it has none)" : "; it has " + String.join(", ", m.members.keySet())));
        }
        CliIo.Output o = outFile == null ? null : CliIo.create("--out", outFile);
        try {
            BufferedWriter w = o != null ? o.writer() : new BufferedWriter(new java.io.OutputStreamWriter(System.out,
                    java.nio.charset.StandardCharsets.UTF_8));
            write(m, w);
            w.flush();
            if (o != null) {
                o.commit();
            }
        } finally {
            if (o != null) {
                o.close();
            }
        }
        PrintStream err = System.err;
        if (outFile != null) {
            for (Map.Entry<String, TreeSet<String>> e : m.members.entrySet()) {
                if (name == null || name.equals(e.getKey())) {
                    err.println("audience: " + e.getKey() + ": " + e.getValue().size() + " members"
                            + (m.asOf == null ? "" : " as of " + java.time.Instant.ofEpochMilli(m.asOf)));
                }
            }
        }
        return 0;
    }

    /** Each audience's members (sorted), in definition order, with where they came from and the time. */
    private record Members(Map<String, TreeSet<String>> members, String where, Long asOf) {
    }

    private void write(Members m, BufferedWriter w) throws IOException {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        for (Map.Entry<String, TreeSet<String>> e : m.members.entrySet()) {
            if (name != null) {
                if (name.equals(e.getKey())) {
                    for (String user : e.getValue()) {
                        w.write(user);
                        w.newLine();
                    }
                }
                continue;
            }
            w.write("{\"audience\":\"");
            w.write(enc.quoteAsString(e.getKey()));
            w.write("\",\"as_of\":" + m.asOf + ",\"size\":" + e.getValue().size() + ",\"members\":[");
            boolean first = true;
            for (String user : e.getValue()) {
                w.write(first ? "\"" : ",\"");
                w.write(enc.quoteAsString(user));
                w.write('"');
                first = false;
            }
            w.write("]}");
            w.newLine();
        }
    }

    private Members fromSnapshot() {
        try (ProfileUpdater u = SnapshotReader.open(new SnapshotReader.Flags(source.snapshot, schemaFile, modelsFile,
                audiencesFile, pseudonymKeyFile, encryptionKeyFile))) {
            long clock = u.audienceClock();
            long t = asOf == null ? clock : CliSupport.parseTime(asOf, "--as-of");
            Map<String, TreeSet<String>> members = new LinkedHashMap<>();
            for (String a : u.audienceSizes().keySet()) {
                members.put(a, new TreeSet<>());
            }
            if (clock != Long.MIN_VALUE && t < clock) {
                throw new CliSupport.UsageException("--as-of " + asOf + " is before the snapshot's latest event ("
                        + java.time.Instant.ofEpochMilli(clock) + "): a snapshot holds the profiles as of then, so "
                        + "members can be listed only at or after it");
            }
            for (String key : u.users()) {
                for (String a : u.audiencesByKey(key, t)) {
                    members.get(a).add(key);
                }
            }
            return new Members(members, "--snapshot " + source.snapshot + " with --audiences " + audiencesFile,
                    clock == Long.MIN_VALUE && asOf == null ? null : t);
        }
    }

    private Members fromProfiles(String file) throws IOException {
        Map<String, TreeSet<String>> members = new LinkedHashMap<>();
        Long asOfSeen = null;
        long lineNo = 0;
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(
                CliIo.openInput("--profiles", file, null), java.nio.charset.StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
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
                QueryCommand.notProfiles(n, file, lineNo);
                JsonNode in = n.get("audiences");
                if (in == null || !in.isArray()) {
                    throw new CliSupport.UsageException("--profiles " + file + " line " + lineNo + " lists no "
                            + "\"audiences\": the profiles were written without --audiences (replay them with "
                            + "--audiences A.json, or read a snapshot with --snapshot)");
                }
                if (asOfSeen == null && n.path("as_of").canConvertToLong()) {
                    asOfSeen = n.get("as_of").asLong();
                }
                for (JsonNode a : in) {
                    members.computeIfAbsent(a.asText(), k -> new TreeSet<>()).add(n.get("user").asText());
                }
            }
        }
        return new Members(new java.util.TreeMap<>(members), "--profiles " + file
                + " (a profiles file names only the audiences that have members)", asOfSeen);
    }
}
