package io.hypatia.engine.security;

/** The authenticated caller: the tenant its studies belong to and its role. */
public record Principal(String tenant, Role role) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
