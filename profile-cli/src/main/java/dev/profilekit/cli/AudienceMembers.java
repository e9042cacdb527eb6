package dev.profilekit.cli;

import dev.profilekit.core.engine.ProfileUpdater;
import java.util.List;
import java.util.Map;

/** The audiences' JSON members the commands add to profiles and to their summary line, as replay writes them. */
final class AudienceMembers {

    private AudienceMembers() {
    }

    /** {@code ,"audiences":["a","b"]}: a user's audiences (sorted, as the updater gives them). */
    static String ofUser(List<String> audiences) {
        StringBuilder b = new StringBuilder(",\"audiences\":[");
        for (int i = 0; i < audiences.size(); i++) {
            // names are letters, digits, _ and - (Audiences checks them): nothing to escape
            b.append(i == 0 ? "\"" : ",\"").append(audiences.get(i)).append('"');
        }
        return b.append(']').toString();
    }

    /** {@code ,"audiences":{"a":12,...}}: each audience's size as of the updater's clock. */
    static String sizes(ProfileUpdater updater) {
        StringBuilder b = new StringBuilder(",\"audiences\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : updater.audienceSizes().entrySet()) {
            b.append(first ? "\"" : ",\"").append(e.getKey()).append("\":").append(e.getValue());
            first = false;
        }
        return b.append('}').toString();
    }
}
