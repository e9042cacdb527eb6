package dev.profilekit.core.audience;

/**
 * An audience whose rule cannot be used: a syntax error, an unknown feature or part, or a type mismatch. The
 * message is one line naming the audience, the rule and the 1-based column, e.g.
 * {@code audience 'fans', rule "fav_category > 3", column 16: ...}.
 */
public final class AudienceDefinitionException extends IllegalArgumentException {

    private final String audience;
    private final String rule;
    private final int column;

    AudienceDefinitionException(String audience, String rule, int column, String problem) {
        super("audience '" + audience + "', rule \"" + rule + "\"" + (column > 0 ? ", column " + column : "") + ": "
                + problem);
        this.audience = audience;
        this.rule = rule;
        this.column = column;
    }

    /** The audience's name. */
    public String audience() {
        return audience;
    }

    /** The rule as written. */
    public String rule() {
        return rule;
    }

    /** The 1-based column of the problem in the rule, or 0 when it concerns the whole definition. */
    public int column() {
        return column;
    }
}
