package dev.profilekit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Lays out every command's help at {@value #WIDTH} columns, breaking lines at spaces only: picocli breaks where
 * {@link java.text.BreakIterator} allows, which is also after a dot, a colon or a quote, so a path
 * ({@code summary.⏎json}) or a time ({@code 2026-03-01T00:⏎00:00Z}) in an example came out cut in two and could
 * not be copied. picocli renders each section without wrapping (a width no line reaches); each line is then wrapped here:
 * continuation lines align with the description column of an option or command row, or with the first option of
 * the usage synopsis, and a flag is never parted from its value ({@code --out profiles.jsonl}) nor
 * {@code Example:} from what it shows. A word longer than the line stays whole.
 */
final class HelpLayout {

    /** The columns of the help. */
    static final int WIDTH = 80;

    /** The width picocli renders at: no help line reaches it, so picocli wraps nothing. */
    private static final int UNWRAPPED = 10_000;

    /** A two-column row: names, at least two spaces, then the description (its start within the first 45). */
    private static final Pattern ROW = Pattern.compile("^( *\\S(?:[^ ]| (?! ))*) {2,}(?=\\S)");

    private HelpLayout() {
    }

    /** Applies the layout to {@code cl} and every subcommand below it. */
    static void apply(CommandLine cl) {
        cl.setUsageHelpWidth(UNWRAPPED);
        wrapSections(cl);
    }

    private static void wrapSections(CommandLine cl) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        for (Map.Entry<String, CommandLine.IHelpSectionRenderer> e : sections.entrySet()) {
            CommandLine.IHelpSectionRenderer plain = e.getValue();
            if (e.getKey().equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)) {
                // laid out with its heading ("Usage: "), which picocli renders as a section of its own
                e.setValue(help -> {
                    String heading = help.synopsisHeading();
                    return wrap(heading + plain.render(help)).substring(heading.length());
                });
            } else {
                e.setValue(help -> wrap(plain.render(help)));
            }
        }
        cl.setHelpSectionMap(sections);
        for (CommandLine sub : cl.getSubcommands().values()) {
            wrapSections(sub);
        }
    }

    /** {@code text} with every line longer than {@link #WIDTH} broken at spaces, continuation lines indented. */
    static String wrap(String text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        String[] lines = text.split("\n", -1);
        boolean command = false; // within an example command that goes on over lines ending in " \"
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            command = command || lines[i].stripLeading().startsWith("java -jar ")
                    || lines[i].stripLeading().startsWith("printf ");
            wrapLine(lines[i], command, out);
            command = command && lines[i].endsWith(" \\");
        }
        return out.toString();
    }

    /**
     * Appends {@code line}, broken at spaces where longer than {@link #WIDTH}; a line of an example command
     * ({@code command}) is continued shell-style, each broken line ending in {@code " \"}, so it can be copied.
     */
    private static void wrapLine(String line, boolean command, StringBuilder out) {
        if (line.stripTrailing().length() <= WIDTH) {
            out.append(line);
            return;
        }
        int lead = line.length() - line.stripLeading().length();
        boolean starts = line.stripLeading().startsWith("java ") || line.stripLeading().startsWith("printf ");
        int indent = command ? lead + (starts ? 4 : 0) : continuationIndent(line);
        String end = command ? " \\" : "";
        int start = lead;
        Matcher row = ROW.matcher(line);
        if (!command && row.find() && row.end() <= 45) {
            start = row.end();
        }
        String rest = line.substring(start);
        if (command && rest.endsWith(" \\")) {
            rest = rest.substring(0, rest.length() - 2); // the line's own continuation goes at its (new) end
        }
        out.append(line, 0, start);
        int column = start;
        boolean first = true;
        List<String> units = new ArrayList<>();
        for (String unit : units(rest)) {
            // a flag with its value that does not fit even a line of its own is set word by word
            units.addAll(unit.length() > WIDTH - indent ? List.of(unit.split(" ")) : List.of(unit));
        }
        for (String unit : units) {
            if (!first && column + 1 + unit.length() + end.length() > WIDTH) {
                out.append(end).append('\n').append(" ".repeat(indent));
                column = indent;
            } else if (!first) {
                out.append(' ');
                column++;
            }
            out.append(unit);
            column += unit.length();
            first = false;
        }
        if (command && line.endsWith(" \\")) {
            out.append(end);
        }
    }

    /** Where continuation lines start: the description column of a row, else the synopsis' first option. */
    private static int continuationIndent(String line) {
        Matcher row = ROW.matcher(line);
        if (row.find() && row.end() <= 45) {
            return row.end();
        }
        int lead = line.length() - line.stripLeading().length();
        if (line.startsWith("Usage: ")) {
            int opt = line.indexOf(" [");
            int dash = line.indexOf(" -");
            int at = opt < 0 ? dash : dash < 0 ? opt : Math.min(opt, dash);
            return at < 0 || at > 40 ? lead + 4 : at + 1;
        }
        return lead;
    }

    /**
     * The words of {@code text}, a flag kept with its value ({@code --out x.jsonl}) and {@code Example:} with the
     * next word, so that a line never ends between them.
     */
    static List<String> units(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.trim().split(" +")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        List<String> units = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String unit = words.get(i);
            while (i + 1 < words.size() && glues(words.get(i), words.get(i + 1))) {
                unit = unit + " " + words.get(++i);
            }
            units.add(unit);
        }
        return units;
    }

    private static boolean glues(String word, String next) {
        boolean flag = word.startsWith("--") && word.length() > 2 && word.indexOf('=') < 0
                && Character.isLetter(word.charAt(2)) && !next.startsWith("-")
                && !word.endsWith(",") && !word.endsWith(".") && !word.endsWith(")");
        return flag || word.equals("Example:");
    }
}
