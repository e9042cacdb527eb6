package dev.profilekit.core.audience;

import dev.profilekit.core.schema.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rule language's recursive-descent parser: text to an untyped tree, with the 1-based column of every node.
 *
 * <pre>
 * rule       := or
 * or         := and ("or" and)*
 * and        := not ("and" not)*
 * not        := "not" not | primary
 * primary    := "(" or ")" | comparison
 * comparison := ref op literal | ref "in" "(" literal ("," literal)* ")" | ref "is" ["not"] "missing"
 * op         := "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "=" | "!="
 * ref        := name ["." name]            name := [A-Za-z_][A-Za-z0-9_]*
 * literal    := number | "'" chars "'" | "true" | "false" | duration   (ISO-8601, P...)
 * </pre>
 *
 * Keywords are case-insensitive; a quote inside a string is written twice ({@code 'kid''s'}).
 */
final class RuleParser {

    /** A literal as written: a number, a string, a boolean or a duration, with its column. */
    record Literal(Object value, int column, String text) {
    }

    /** An untyped node. */
    sealed interface Node permits Or, And, Not, Compare, In, Missing {
    }

    record Or(List<Node> terms) implements Node {
    }

    record And(List<Node> terms) implements Node {
    }

    record Not(Node term) implements Node {
    }

    record Compare(String ref, int column, String op, Literal literal) implements Node {
    }

    record In(String ref, int column, List<Literal> literals) implements Node {
    }

    record Missing(String ref, int column, boolean negated) implements Node {
    }

    /** What reads as a duration: P or -P followed by a digit or T (so a feature name such as purchases is not one). */
    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(?i)[-+]?P(\\d|T).*");

    private final String text;
    private int at;

    private RuleParser(String text) {
        this.text = text;
    }

    /** Parses {@code text}; errors are {@link RuleSyntaxError} with the column. */
    static Node parse(String text) {
        RuleParser p = new RuleParser(text);
        p.space();
        if (p.at == text.length()) {
            throw new RuleSyntaxError(1, "the rule is empty");
        }
        Node n = p.or();
        p.space();
        if (p.at < text.length()) {
            throw new RuleSyntaxError(p.at + 1, "unexpected '" + p.rest() + "' (expected 'and', 'or' or the end)");
        }
        return n;
    }

    /** A syntax error at a 1-based column. */
    static final class RuleSyntaxError extends RuntimeException {
        final int column;

        RuleSyntaxError(int column, String message) {
            super(message);
            this.column = column;
        }
    }

    private Node or() {
        List<Node> terms = new ArrayList<>(List.of(and()));
        while (keyword("or")) {
            terms.add(and());
        }
        return terms.size() == 1 ? terms.get(0) : new Or(List.copyOf(terms));
    }

    private Node and() {
        List<Node> terms = new ArrayList<>(List.of(not()));
        while (keyword("and")) {
            terms.add(not());
        }
        return terms.size() == 1 ? terms.get(0) : new And(List.copyOf(terms));
    }

    private Node not() {
        if (keyword("not")) {
            return new Not(not());
        }
        return primary();
    }

    private Node primary() {
        space();
        if (peek('(')) {
            at++;
            Node n = or();
            space();
            expect(')', "')' to close the '('");
            return n;
        }
        int column = at + 1;
        String ref = ref();
        space();
        if (keyword("in")) {
            space();
            expect('(', "'(' after 'in'");
            List<Literal> list = new ArrayList<>(List.of(literal()));
            space();
            while (peek(',')) {
                at++;
                list.add(literal());
                space();
            }
            expect(')', "',' or ')' in the list after 'in'");
            return new In(ref, column, List.copyOf(list));
        }
        if (keyword("is")) {
            boolean negated = keyword("not");
            if (!keyword("missing")) {
                throw new RuleSyntaxError(at + 1, "expected 'missing' after 'is" + (negated ? " not" : "") + "'");
            }
            return new Missing(ref, column, negated);
        }
        String op = op();
        return new Compare(ref, column, op, literal());
    }

    private String ref() {
        space();
        String name = name();
        if (name == null) {
            throw new RuleSyntaxError(at + 1, at == text.length() ? "the rule ends where a feature name is expected"
                    : "expected a feature name, '(' or 'not' at '" + rest() + "'");
        }
        if (peek('.')) {
            at++;
            String part = name();
            if (part == null) {
                throw new RuleSyntaxError(at + 1, "expected a part name after '" + name + ".'");
            }
            return name + "." + part;
        }
        return name;
    }

    private String name() {
        int start = at;
        if (at < text.length() && (Character.isLetter(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            return text.substring(start, at);
        }
        return null;
    }

    private String op() {
        space();
        for (String op : new String[] {"<=", ">=", "!=", "<", ">", "="}) {
            if (text.startsWith(op, at)) {
                at += op.length();
                return op;
            }
        }
        throw new RuleSyntaxError(at + 1, at == text.length()
                ? "the rule ends after a feature name (expected a comparison, 'in' or 'is missing')"
                : "expected a comparison (<, <=, >, >=, =, !=), 'in' or 'is missing' at '" + rest() + "'");
    }

    private Literal literal() {
        space();
        int column = at + 1;
        if (at == text.length()) {
            throw new RuleSyntaxError(column, "the rule ends where a value is expected");
        }
        char c = text.charAt(at);
        if (c == '\'') {
            StringBuilder sb = new StringBuilder();
            at++;
            while (true) {
                if (at == text.length()) {
                    throw new RuleSyntaxError(column, "the string starting here is not closed with '");
                }
                char d = text.charAt(at++);
                if (d == '\'') {
                    if (peek('\'')) {
                        sb.append('\'');
                        at++;
                        continue;
                    }
                    break;
                }
                sb.append(d);
            }
            return new Literal(sb.toString(), column, text.substring(column - 1, at));
        }
        int start = at;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at)) && text.charAt(at) != ','
                && text.charAt(at) != ')' && text.charAt(at) != '(') {
            at++;
        }
        String word = text.substring(start, at);
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return new Literal(Boolean.valueOf(lower), column, word);
        }
        if (DURATION.matcher(word).matches()) {
            try {
                Duration d = Durations.parse(word.toUpperCase(Locale.ROOT));
                return new Literal(d, column, word);
            } catch (IllegalArgumentException e) {
                throw new RuleSyntaxError(column, e.getMessage());
            }
        }
        try {
            double v = new BigDecimal(word).doubleValue();
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return new Literal(v, column, word);
        } catch (NumberFormatException e) {
            throw new RuleSyntaxError(column, word.isEmpty() ? "expected a value (a number, a 'string', true, false"
                    + " or a duration such as P2D)" : "'" + word + "' is not a value: write a number, a 'quoted string',"
                    + " true, false or a duration such as P2D" + (word.matches("[A-Za-z_][A-Za-z0-9_.]*")
                    ? " (a rule compares a feature with a value, not with another feature)" : ""));
        }
    }

    private boolean keyword(String word) {
        space();
        int end = at + word.length();
        if (end <= text.length() && text.regionMatches(true, at, word, 0, word.length())
                && (end == text.length() || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'))) {
            at = end;
            return true;
        }
        return false;
    }

    private void expect(char c, String what) {
        if (!peek(c)) {
            throw new RuleSyntaxError(at + 1, "expected " + what + (at == text.length() ? " before the end"
                    : " at '" + rest() + "'"));
        }
        at++;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void space() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private String rest() {
        String r = text.substring(at);
        return r.length() > 20 ? r.substring(0, 20) + "..." : r;
    }
}
