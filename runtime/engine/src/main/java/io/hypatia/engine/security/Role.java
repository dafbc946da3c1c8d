package io.hypatia.engine.security;

import java.util.Locale;

/** What a token may do: {@code user} works inside its tenant; {@code admin} sees every tenant and runs admin-only calls. */
public enum Role {
    USER, ADMIN;

    /** Parses "user" or "admin" (any case). */
    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role must be 'user' or 'admin', got '" + Echo.truncate(text) + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
