package io.hypatia.gateway;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.hypatia.engine.security.RateLimitedLog;
import java.io.InputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bytes that do not parse as the request message are answered INVALID_ARGUMENT with one
 * rate-limited log line, instead of gRPC's default UNKNOWN "Application error processing RPC"
 * and a stack trace per call. The service is re-typed to take raw bytes
 * ({@link ServerInterceptors#useMarshalledMessages} with {@link #RAW}), which moves parsing into
 * the listener's {@code onMessage}, where this interceptor can catch it and close the call itself.
 */
final class MalformedRequests implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(MalformedRequests.class.getName());
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG, 60_000);

    private MalformedRequests() {
    }

    /**
     * The message bytes as gRPC hands them over, unwrapped. gRPC's own
     * {@code useInputStreamMessages} wraps every request and every response in a buffered stream
     * (an 8 KB buffer each, and a response so wrapped is no longer drained straight into the frame
     * but copied through another 8 KB buffer): about half of what a trial allocated in the service.
     * No copy is needed: a request is parsed inside {@code onMessage}, before gRPC closes its
     * stream, and a response stream goes to the transport as the protobuf marshaller made it.
     */
    static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    /** {@code service} with request parsing failures answered INVALID_ARGUMENT. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, RAW), new MalformedRequests());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    // Parsing happens inside onMessage (see the class comment); the unary handler itself only stores the message.
                    refused = true;
                    String method = call.getMethodDescriptor().getFullMethodName();
                    RATE_LIMITED.log(Level.INFO, method, "refused a request to " + method + " that is not a valid protobuf message: "
                            + Status.fromThrowable(e).getDescription(), null);
                    call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                            + call.getMethodDescriptor().getBareMethodName() + "Request message (malformed protobuf)"), new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

}
