package io.hypatia.api;

/**
 * A plugin setting that is unknown, mistyped or out of range. {@link #key()} is the offending
 * key, so the service can name the field ({@code sampler.config.<key>}) in its error.
 */
public class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public SettingException(String key, String problem) {
        super("'" + key + "': " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
