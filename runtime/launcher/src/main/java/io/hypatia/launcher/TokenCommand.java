package io.hypatia.launcher;

import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code hypatia token add --file FILE --tenant NAME [--role user|admin] [--comment TEXT]}: creates
 * a random bearer token, appends its SHA-256 to the token file and prints the token, once.
 */
final class TokenCommand {
    private TokenCommand() {
    }

    static int run(String[] args) throws Exception {
        if (args.length < 2 || !args[1].equals("add")) {
            throw new Args.UsageException("token: the only subcommand is 'add' (hypatia token add --file FILE --tenant NAME [--role user|admin])");
        }
        Args a = new Args(args, 2, Set.of("file", "tenant", "role", "comment"), Set.of());
        String file = a.get("file", null);
        String tenant = a.get("tenant", null);
        if (file == null || tenant == null) {
            throw new Args.UsageException("token add needs --file FILE and --tenant NAME");
        }
        try {
            Role role = Role.parse(a.get("role", "user"));
            String token = TokenFile.add(Path.of(file), tenant, role, a.get("comment", ""));
            System.err.println("hypatia: added a " + role.label() + " token for tenant '" + tenant + "' to " + file
                    + " (only its SHA-256 is stored; this is the only time it is shown)");
            System.out.println(token);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
