package io.hypatia.gateway;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every RPC and times it from the first byte to the status, by service, method and
 * status code, into {@code hypatia_rpc_duration_seconds} (its {@code _count} is the number of
 * calls). A call the client cancels is recorded once, as CANCELLED.
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {
    /** Ask takes a sampler call (GP, TPE: tens of ms to seconds); Tell and Report wait for an fsync. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Histogram duration;

    public RpcMetricsInterceptor(PrometheusRegistry registry) {
        duration = Histogram.builder()
                .name("hypatia_rpc_duration_seconds")
                .help("gRPC calls served, by service, method and status code, from the request to the status")
                .unit(Unit.SECONDS)
                .labelNames("service", "method", "code")
                .classicUpperBounds(BUCKETS)
                .classicOnly()
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String service = call.getMethodDescriptor().getServiceName();
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicBoolean recorded = new AtomicBoolean();
        Runnable cancelled = () -> record(recorded, service, method, Status.Code.CANCELLED, start);
        ServerCall<Q, R> timed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record(recorded, service, method, status.getCode(), start);
                super.close(status, trailers);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                cancelled.run();
                super.onCancel();
            }
        };
    }

    private void record(AtomicBoolean recorded, String service, String method, Status.Code code, long start) {
        if (recorded.compareAndSet(false, true)) {
            duration.labelValues(service == null ? "" : service, method == null ? "" : method, code.name())
                    .observe((System.nanoTime() - start) / 1e9);
        }
    }
}
