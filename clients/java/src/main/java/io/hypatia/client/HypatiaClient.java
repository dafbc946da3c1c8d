package io.hypatia.client;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.DeleteStudyRequest;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListStudiesRequest;
import io.hypatia.grpc.v1.ListStudiesResponse;
import io.hypatia.grpc.v1.PluginSelection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A connection to a Hypatia service (one gateway or several sharing a PostgreSQL store), safe to
 * share between threads.
 *
 * <pre>{@code
 * try (HypatiaClient client = HypatiaClient.connect("127.0.0.1:50051")) {
 *     Study study = client.createStudy("mlp", new SearchSpace().floatParam("lr", 1e-4, 1, true),
 *             StudyOptions.maximize("accuracy").scheduler("median").loadIfExists());
 *     try (TrialScope trial = study.trial()) {
 *         for (int epoch = 1; epoch <= 10; epoch++) {
 *             if (trial.report(epoch, train(trial.getDouble("lr"))) != Decision.CONTINUE) break;
 *         }
 *         if (!trial.finished()) trial.tell(evaluate());
 *     }
 * }
 * }</pre>
 */
public final class HypatiaClient implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final HypatiaServiceGrpc.HypatiaServiceBlockingStub stub;
    private final Duration timeout;
    private final Failover failover;
    private final String worker;
    private final int pageSize;

    private HypatiaClient(Builder b) {
        ChannelCredentials credentials;
        if (b.tlsCa != null) {
            try {
                credentials = TlsChannelCredentials.newBuilder().trustManager(b.tlsCa.toFile()).build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CA file " + b.tlsCa, e);
            }
        } else {
            credentials = b.tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
        }
        this.channel = GatewayTarget.channelBuilder(b.target, credentials).build();
        HypatiaServiceGrpc.HypatiaServiceBlockingStub s = HypatiaServiceGrpc.newBlockingStub(channel);
        if (b.token != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + b.token);
            s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.stub = s;
        this.timeout = b.timeout;
        this.failover = new Failover(b.retries, Duration.ofMillis(100), Duration.ofSeconds(5));
        this.worker = b.worker != null ? b.worker : ManagementFactory.getRuntimeMXBean().getName();
        this.pageSize = b.pageSize;
    }

    /**
     * A plaintext client with the defaults (60 s deadline, 5 retries of a repeatable call).
     * {@code target} names one gateway ({@code host:port}) or several
     * ({@code host1:port1,host2:port2}, or any gRPC target such as {@code dns:///name:port});
     * calls are spread over them round robin, see {@link GatewayTarget} and {@link Failover}.
     */
    public static HypatiaClient connect(String target) {
        return builder(target).build();
    }

    public static Builder builder(String target) {
        return new Builder(target);
    }

    /** Settings of a client. */
    public static final class Builder {
        private final String target;
        private Duration timeout = Duration.ofSeconds(60);
        private int retries = 5;
        private String token;
        private boolean tls;
        private Path tlsCa;
        private String worker;
        private int pageSize;

        private Builder(String target) {
            this.target = target;
        }

        /** Deadline of each call. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Repeats of a call that may be repeated ({@link Failover#IDEMPOTENT}) after UNAVAILABLE or
         * DEADLINE_EXCEEDED, on another gateway when there are several, with exponential backoff.
         */
        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        /** A bearer token sent as {@code authorization} metadata, for services that require one. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** Connect with TLS (the JVM's trust store). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Connect with TLS, trusting the CA certificates (PEM) in this file (e.g. a self-signed service). */
        public Builder tlsCa(Path caFile) {
            this.tlsCa = caFile;
            return this;
        }

        /** The name recorded on trials this client leases (default pid@host). */
        public Builder worker(String worker) {
            this.worker = worker;
            return this;
        }

        /**
         * Studies or trials fetched per ListStudies/ListTrials call (0, the default: the service's
         * default page size, 1000 unless configured). Listing follows the pages either way.
         */
        public Builder pageSize(int pageSize) {
            if (pageSize < 0) {
                throw new IllegalArgumentException("pageSize must be >= 0 (0: the service's default), got " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        public HypatiaClient build() {
            return new HypatiaClient(this);
        }
    }

    /** Calls one RPC with the deadline, repeating it after a lost gateway if it may be; throws {@link HypatiaException}. */
    <T> T call(String method, Function<HypatiaServiceGrpc.HypatiaServiceBlockingStub, T> rpc) {
        return call(method, Failover.isIdempotent(method), rpc);
    }

    /**
     * {@link #call(String, Function)} with the caller saying whether the call may be repeated. One
     * that may not waits for a reachable gateway (up to the deadline) instead of failing fast, so
     * it is never lost to a gateway that is down, only to one that dies while answering it.
     */
    <T> T call(String method, boolean idempotent, Function<HypatiaServiceGrpc.HypatiaServiceBlockingStub, T> rpc) {
        try {
            return failover.call(idempotent, () -> {
                HypatiaServiceGrpc.HypatiaServiceBlockingStub s = stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return rpc.apply(idempotent ? s : s.withWaitForReady());
            });
        } catch (StatusRuntimeException e) {
            throw new HypatiaException(method, e);
        }
    }

    /** How many calls this client repeated after a lost gateway or a timeout (for monitoring). */
    public long retriedCalls() {
        return failover.retriedCalls();
    }

    String worker() {
        return worker;
    }

    int pageSize() {
        return pageSize;
    }

    /** Creates a study, or with {@link StudyOptions#loadIfExists()} joins the existing one of that name. */
    public Study createStudy(String name, SearchSpace space, StudyOptions options) {
        CreateStudyRequest.Builder req = CreateStudyRequest.newBuilder().setName(name)
                .setSearchSpace(space.toProto())
                .addAllObjectives(options.objectives())
                .setSampler(PluginSelection.newBuilder().setName(options.sampler()).putAllConfig(options.samplerConfig()))
                .setScheduler(PluginSelection.newBuilder().setName(options.scheduler()).putAllConfig(options.schedulerConfig()))
                .setLeaseSeconds(options.leaseSeconds());
        if (options.fidelity() != null) {
            StudyOptions.FidelityRange f = options.fidelity();
            req.setFidelity(Fidelity.newBuilder().setName(f.name()).setMin(f.min()).setMax(f.max()));
        }
        try {
            // repeatable only when an existing study is welcome: a repeat then finds the first one's study
            return new Study(this, call("CreateStudy", options.loadIfExistsSet(), s -> s.createStudy(req.build())).getStudy());
        } catch (HypatiaException e) {
            if (e.code() != Status.Code.ALREADY_EXISTS || !options.loadIfExistsSet()) {
                throw e;
            }
            return loadStudy(name);
        }
    }

    /** The existing study; NOT_FOUND if there is none. */
    public Study loadStudy(String name) {
        return new Study(this, call("GetStudy", s -> s.getStudy(GetStudyRequest.newBuilder().setStudy(name).build())).getStudy());
    }

    public void deleteStudy(String name) {
        call("DeleteStudy", s -> s.deleteStudy(DeleteStudyRequest.newBuilder().setStudy(name).build()));
    }

    /** Names of every study, in creation order. */
    public List<String> listStudies() {
        List<String> names = new ArrayList<>();
        String page = "";
        do { // follow the pages
            ListStudiesRequest req = ListStudiesRequest.newBuilder().setPageSize(pageSize).setPageToken(page).build();
            ListStudiesResponse r = call("ListStudies", s -> s.listStudies(req));
            r.getStudiesList().forEach(study -> names.add(study.getName()));
            page = r.getNextPageToken();
        } while (!page.isEmpty());
        return names;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
