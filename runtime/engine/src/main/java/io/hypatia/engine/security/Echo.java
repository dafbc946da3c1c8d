package io.hypatia.engine.security;

/**
 * Caller input quoted back in an error message is cut short, so an 8,000-character name cannot
 * blow up an error header past a client's metadata limit (or fill the log).
 */
public final class Echo {
    /** Characters of caller input kept in a message. */
    public static final int MAX_ECHO = 80;

    private Echo() {
    }

    /** {@code text} itself when short, else its first {@link #MAX_ECHO} characters and how long it was. */
    public static String truncate(String text) {
        if (text == null || text.length() <= MAX_ECHO) {
            return text;
        }
        return text.substring(0, MAX_ECHO) + "...(" + text.length() + " characters)";
    }
}
