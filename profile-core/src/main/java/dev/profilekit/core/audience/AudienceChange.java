package dev.profilekit.core.audience;

import java.util.List;

/**
 * One change of a user's membership of an audience, as an {@link AudienceListener} receives it.
 *
 * <ul>
 *   <li>{@link Kind#ENTER} at {@code ts}: the user is a member from {@code ts} on (the first millisecond of an
 *       interval); {@code backfill} when the audience was defined on a running updater and the user was found a
 *       member as of its clock.</li>
 *   <li>{@link Kind#EXIT} at {@code ts}: the user is not a member from {@code ts} on (the first millisecond after
 *       an interval).</li>
 *   <li>{@link Kind#REVISE}: an accepted late event changed history already delivered: from {@code from} on, the
 *       user's membership is exactly {@code intervals} (each {@code [start, end)} in epoch ms, the last one's end
 *       {@link AudienceRule#NEVER} when it is still open), replacing whatever was delivered for times at or after
 *       {@code from}.</li>
 * </ul>
 * Folding every change of a user in the order delivered gives the exact membership history.
 *
 * @param user      the user's key (its pseudonym when the updater pseudonymises)
 * @param audience  the audience's name
 * @param kind      what changed
 * @param ts        ENTER or EXIT time; for REVISE, equal to {@code from}
 * @param from      for REVISE, the first time replaced; else equal to {@code ts}
 * @param intervals for REVISE, the membership intervals from {@code from} on; else empty
 * @param backfill  whether an ENTER comes from defining the audience on a running updater
 */
public record AudienceChange(String user, String audience, Kind kind, long ts, long from, List<long[]> intervals,
                             boolean backfill) {

    /** What changed. */
    public enum Kind { ENTER, EXIT, REVISE }

    /** An ENTER at {@code ts}. */
    public static AudienceChange enter(String user, String audience, long ts, boolean backfill) {
        return new AudienceChange(user, audience, Kind.ENTER, ts, ts, List.of(), backfill);
    }

    /** An EXIT at {@code ts}. */
    public static AudienceChange exit(String user, String audience, long ts) {
        return new AudienceChange(user, audience, Kind.EXIT, ts, ts, List.of(), false);
    }

    /** A REVISE (intervals are {@code [start, end)} pairs; an open last interval ends at {@link AudienceRule#NEVER}). */
    public static AudienceChange revise(String user, String audience, long from, List<long[]> intervals) {
        return new AudienceChange(user, audience, Kind.REVISE, from, from, List.copyOf(intervals), false);
    }

    /** This change as one JSON object (the line {@code replay --audience-log} writes). */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"user\":");
        quote(sb, user);
        sb.append(",\"audience\":");
        quote(sb, audience);
        sb.append(",\"change\":\"").append(kind.name().toLowerCase(java.util.Locale.ROOT)).append('"');
        if (kind == Kind.REVISE) {
            sb.append(",\"from\":").append(from).append(",\"intervals\":[");
            for (int i = 0; i < intervals.size(); i++) {
                long[] iv = intervals.get(i);
                sb.append(i == 0 ? "[" : ",[").append(iv[0]).append(',')
                        .append(iv[1] == AudienceRule.NEVER ? "null" : Long.toString(iv[1])).append(']');
            }
            sb.append(']');
        } else {
            sb.append(",\"ts\":").append(ts);
            if (backfill) {
                sb.append(",\"backfill\":true");
            }
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"').append(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s))
                .append('"');
    }
}
