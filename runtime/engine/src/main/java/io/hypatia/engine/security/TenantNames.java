package io.hypatia.engine.security;

/**
 * Tenant scoping by study name: a user's study {@code name} is stored as {@code tenant.name}, so
 * two tenants can both have a study "resnet" and neither can address the other's. Tenant names
 * never contain '.', so the part before the first '.' of a stored name is its tenant and the
 * mapping is one-to-one. An admin works on the stored names directly (it sees
 * {@code alice.resnet}), which is how it reaches across tenants; a study an admin names
 * {@code alice.x} belongs to tenant alice. With authentication off there is no principal and
 * names are used as given.
 */
public final class TenantNames {
    /** Between tenant and study name; allowed in study names, never in tenant names. */
    public static final char SEPARATOR = '.';

    private TenantNames() {
    }

    /** The stored name for what {@code caller} calls {@code name}. */
    public static String stored(Principal caller, String name) {
        if (caller == null || caller.isAdmin()) {
            return name;
        }
        return caller.tenant() + SEPARATOR + name;
    }

    /** True when {@code caller} may see the study stored as {@code stored}. */
    public static boolean visible(Principal caller, String stored) {
        return caller == null || caller.isAdmin() || stored.startsWith(caller.tenant() + SEPARATOR);
    }

    /** The name {@code caller} uses for the study stored as {@code stored} (which must be {@link #visible}). */
    public static String shown(Principal caller, String stored) {
        if (caller == null || caller.isAdmin()) {
            return stored;
        }
        return stored.substring(caller.tenant().length() + 1);
    }

    /** The tenant owning a stored name, or "" for a study created without a tenant (by an admin or with auth off). */
    public static String tenantOf(String stored) {
        int slash = stored.indexOf(SEPARATOR);
        return slash < 0 ? "" : stored.substring(0, slash);
    }
}
