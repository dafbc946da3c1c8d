package io.hypatia.client;

import io.grpc.ChannelCredentials;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The channel to one or several gateways named by one target, spread with gRPC's
 * {@code round_robin} policy:
 *
 * <ul>
 *   <li>{@code host:port}: one name; every address DNS gives for it is used;
 *   <li>{@code host1:port1,host2:port2,...} (also with a leading {@code ipv4:} or {@code ipv6:},
 *       the form gRPC's C core takes): several gateways; each name is resolved when the channel
 *       starts and again whenever gRPC asks for it (after a connection is lost);
 *   <li>any other gRPC target with a scheme ({@code dns:///name:port}, {@code unix:...}) is passed
 *       to gRPC unchanged.
 * </ul>
 *
 * grpc-java has no resolver for address lists, so one is registered here under the scheme
 * {@value #SCHEME}.
 */
public final class GatewayTarget {
    /** The scheme of the list resolver; {@code hypatia-gateways:///h1:p1,h2:p2}. */
    public static final String SCHEME = "hypatia-gateways";

    static {
        NameResolverRegistry.getDefaultRegistry().register(new ListResolverProvider());
    }

    private GatewayTarget() {
    }

    /** A channel builder for {@code target} with {@code round_robin} over every gateway it names. */
    public static ManagedChannelBuilder<?> channelBuilder(String target, ChannelCredentials credentials) {
        return Grpc.newChannelBuilder(grpcTarget(target), credentials).defaultLoadBalancingPolicy("round_robin");
    }

    /** The target as grpc-java takes it: an address list goes to the list resolver, anything else unchanged. */
    static String grpcTarget(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target: empty; give host:port or host1:port1,host2:port2");
        }
        String list = target.startsWith("ipv4:") || target.startsWith("ipv6:") ? target.substring(5) : target;
        if (!list.contains(",") && list == target) {
            return target; // one name, or a gRPC target with its own scheme
        }
        for (String address : list.split(",")) {
            parse(address); // a bad entry is refused now, naming it, not later as UNAVAILABLE
        }
        return SCHEME + ":///" + list.replace("[", "%5B").replace("]", "%5D"); // a URI path holds no brackets
    }

    /** One {@code host:port} or {@code [v6]:port} of a list. */
    static InetSocketAddress parse(String address) {
        String a = address.trim();
        int colon = a.lastIndexOf(':');
        String host = colon > 0 ? a.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("target: '" + address + "' is not host:port");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Resolves every entry of the list on gRPC's offload executor; one address group per address. */
    private static final class ListResolver extends NameResolver {
        private final List<InetSocketAddress> entries = new ArrayList<>();
        private final String authority;
        private final Executor executor;
        private Listener2 listener;

        ListResolver(String list, Executor executor) {
            for (String address : list.split(",")) {
                entries.add(parse(address));
            }
            InetSocketAddress first = entries.get(0);
            this.authority = first.getHostString() + ":" + first.getPort();
            this.executor = executor != null ? executor : Runnable::run;
        }

        @Override
        public String getServiceAuthority() {
            return authority;
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        private void resolve() {
            Listener2 l = listener;
            executor.execute(() -> {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                List<String> unknown = new ArrayList<>();
                for (InetSocketAddress e : entries) {
                    try {
                        for (InetAddress ip : InetAddress.getAllByName(e.getHostString())) {
                            groups.add(new EquivalentAddressGroup(new InetSocketAddress(ip, e.getPort())));
                        }
                    } catch (UnknownHostException ex) {
                        unknown.add(e.getHostString()); // the others still serve
                    }
                }
                if (groups.isEmpty()) {
                    l.onError(Status.UNAVAILABLE.withDescription("none of the gateways' names resolves: " + unknown));
                } else {
                    l.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
                }
            });
        }

        @Override
        public void shutdown() {
        }
    }

    private static final class ListResolverProvider extends NameResolverProvider {
        @Override
        public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
            if (!SCHEME.equals(uri.getScheme())) {
                return null;
            }
            String path = uri.getPath();
            return new ListResolver(path.startsWith("/") ? path.substring(1) : path, args.getOffloadExecutor());
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 4; // below DNS (5), so plain names keep DNS as the default scheme
        }

        @Override
        public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
            return List.of(InetSocketAddress.class);
        }
    }
}
