package io.hypatia.gateway;

import io.hypatia.engine.security.KeyValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds on what one request may ask of the service, so a few bytes cannot cost megabytes of
 * memory, disk or CPU. Set with {@code --limits name=value,...}; every name and default is in
 * {@link #DEFAULTS} and the README. A request over a bound is refused with INVALID_ARGUMENT (or
 * RESOURCE_EXHAUSTED for a response that would be too large) naming the field and the limit.
 */
public final class Limits {
    /** The settings and their defaults. */
    public static final Map<String, Integer> DEFAULTS;

    static {
        Map<String, Integer> d = new LinkedHashMap<>();
        d.put("max_request_bytes", 4 << 20);   // a request message on the wire
        d.put("max_response_bytes", 4 << 20);  // an answer (gRPC clients refuse more than 4 MiB by default)
        d.put("max_string_chars", 1024);       // any string field not listed below
        d.put("max_name_chars", 256);          // names: study, parameter, objective, plugin, worker, request ids
        d.put("max_text_chars", 4096);         // free text: fail/prune reasons
        d.put("max_list_items", 10_000);       // any repeated field or map (choices, values, configs)
        d.put("max_params", 1000);             // search_space.params
        d.put("max_condition_depth", 16);      // chain of conditional parents
        d.put("max_ask_count", 100);           // Ask.count
        d.put("default_page_size", 1000);      // ListTrials / ListStudies without page_size
        d.put("max_page_size", 10_000);        // ListTrials / ListStudies page_size
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public static final Limits DEFAULT = new Limits(DEFAULTS);

    private final Map<String, Integer> values;

    private Limits(Map<String, Integer> values) {
        this.values = Map.copyOf(values);
    }

    /** {@code name=value,...} over the defaults; throws IllegalArgumentException naming an unknown or bad entry. */
    public static Limits parse(String text) {
        Map<String, Integer> v = new LinkedHashMap<>(DEFAULTS);
        KeyValues.parseInto(text, v, "limit");
        return new Limits(v);
    }

    public int get(String name) {
        Integer v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no limit named " + name);
        }
        return v;
    }

    public int maxRequestBytes() {
        return get("max_request_bytes");
    }

    public int maxResponseBytes() {
        return get("max_response_bytes");
    }

    public int maxAskCount() {
        return get("max_ask_count");
    }

    @Override
    public String toString() {
        return new java.util.TreeMap<>(values).toString();
    }
}
