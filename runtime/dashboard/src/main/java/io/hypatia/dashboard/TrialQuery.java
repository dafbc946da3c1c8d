package io.hypatia.dashboard;

import io.hypatia.api.study.TrialState;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One page of a study's trials: which states, sorted by what, from which offset, how many.
 *
 * @param sort {@code number}, {@code state}, {@code value} (first objective), {@code value:I}
 *             (objective I), {@code duration}, {@code finished} or {@code param:NAME}
 */
record TrialQuery(Set<TrialState> states, String sort, boolean descending, int offset, int limit) {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    /** Parses the query parameters of {@code /api/studies/NAME/trials}; errors name the parameter. */
    static TrialQuery parse(String state, String sort, String order, String offset, String limit) {
        return new TrialQuery(states(state), sort == null || sort.isBlank() ? "number" : sort.trim(), descending(order),
                integer("offset", offset, 0, 0, Integer.MAX_VALUE), integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    static Set<TrialState> states(String text) {
        Set<TrialState> out = EnumSet.noneOf(TrialState.class);
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String s : text.split(",")) {
            try {
                out.add(TrialState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("state", "unknown trial state '" + s.trim() + "'; one of "
                        + Arrays.stream(TrialState.values()).map(Enum::name).collect(Collectors.joining(", ")));
            }
        }
        return out;
    }

    private static boolean descending(String order) {
        if (order == null || order.isBlank() || order.equalsIgnoreCase("asc")) {
            return false;
        }
        if (order.equalsIgnoreCase("desc")) {
            return true;
        }
        throw new BadRequest("order", "must be 'asc' or 'desc', got '" + order + "'");
    }

    static int integer(String name, String text, int fallback, int min, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) {
                throw new BadRequest(name, "must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadRequest(name, "must be an integer, got '" + text + "'");
        }
    }

    /** A request parameter the dashboard cannot use; answered 400 with the parameter's name first. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String field;

        BadRequest(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }
    }
}
