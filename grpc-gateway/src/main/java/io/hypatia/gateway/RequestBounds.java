package io.hypatia.gateway;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.hypatia.engine.EngineException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every string length and list size of a request against {@link Limits}, walking the
 * message by its descriptor, so fields added to the .proto later are bounded too. One pass,
 * linear in the request's size; the first field over its bound is refused with
 * INVALID_ARGUMENT naming the field path (as in {@code search_space.params[3].name}) and the limit.
 */
final class RequestBounds {
    /** Fields holding names and identifiers (bound by max_name_chars). */
    private static final Set<String> NAME_FIELDS = Set.of("name", "study", "worker", "request_id", "benchmark", "parent",
            "version_range", "page_token");
    /** Fields holding free text (bound by max_text_chars). */
    private static final Set<String> TEXT_FIELDS = Set.of("reason");

    private final Limits limits;

    RequestBounds(Limits limits) {
        this.limits = limits;
    }

    void check(Message request) {
        walk(request, "");
        if (request instanceof io.hypatia.grpc.v1.CreateStudyRequest c && c.hasSearchSpace()) {
            checkSpace(c.getSearchSpace());
        }
    }

    private void walk(Message m, String prefix) {
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String path = prefix + f.getName();
            if (f.isRepeated()) {
                List<?> items = (List<?>) e.getValue();
                int max = limits.get("max_list_items");
                if (items.size() > max) {
                    throw tooMany(path, items.size(), max, "max_list_items");
                }
                for (int i = 0; i < items.size(); i++) {
                    Object item = items.get(i);
                    if (f.isMapField()) {
                        walk((Message) item, path + "[" + i + "].");
                    } else {
                        value(f, item, path + "[" + i + "]");
                    }
                }
            } else {
                value(f, e.getValue(), path);
            }
        }
    }

    private void value(FieldDescriptor f, Object v, String path) {
        if (v instanceof Message child) {
            walk(child, path + ".");
        } else if (v instanceof String s) {
            String limit = NAME_FIELDS.contains(f.getName()) || f.getName().equals("key") ? "max_name_chars"
                    : TEXT_FIELDS.contains(f.getName()) ? "max_text_chars" : "max_string_chars";
            int max = limits.get(limit);
            if (s.length() > max) {
                throw EngineException.invalid(path, "is " + s.length() + " characters long; at most " + max
                        + " are allowed (limit " + limit + ")");
            }
        }
    }

    /** Parameter count and the depth of conditional chains (a deep chain costs every sampler on every call). */
    private void checkSpace(io.hypatia.grpc.v1.SearchSpace space) {
        int maxParams = limits.get("max_params");
        if (space.getParamsCount() > maxParams) {
            throw tooMany("search_space.params", space.getParamsCount(), maxParams, "max_params");
        }
        Map<String, String> parentOf = new HashMap<>();
        for (io.hypatia.grpc.v1.Parameter p : space.getParamsList()) {
            if (p.hasCondition()) {
                parentOf.putIfAbsent(p.getName(), p.getCondition().getParent());
            }
        }
        int maxDepth = limits.get("max_condition_depth");
        for (int i = 0; i < space.getParamsCount(); i++) {
            String name = space.getParams(i).getName();
            int depth = 0;
            // Walks at most maxDepth + 1 steps, so a cycle (refused later by the space's own checks) ends here too.
            for (String at = parentOf.get(name); at != null && depth <= maxDepth; at = parentOf.get(at)) {
                depth++;
            }
            if (depth > maxDepth) {
                throw EngineException.invalid("search_space.params[" + i + "].condition", "conditions nest deeper than "
                        + maxDepth + " levels (limit max_condition_depth)");
            }
        }
    }

    static EngineException tooMany(String path, int count, int max, String limit) {
        return EngineException.invalid(path, "has " + count + " entries; at most " + max + " are allowed (limit " + limit + ")");
    }
}
