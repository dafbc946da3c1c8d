package io.hypatia.it.grpc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CategoricalDomain;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.IntDomain;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.Value;
import io.hypatia.it.ServiceFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Fuzzes every RPC of the running service over real gRPC: random bytes, mutated valid messages
 * (bit flips, truncation, splices) and messages with extreme field values (huge and odd
 * strings, NaN/infinite/extreme numbers, long lists, unknown enum values). Every answer must be
 * a well-formed status naming a client-side problem, never UNKNOWN or INTERNAL; the health
 * check keeps answering SERVING; the heap stays bounded.
 *
 * <p>{@code -Dhypatia.fuzz.cases=100000} runs a long campaign (default 2,400 cases in
 * {@code mvn verify}); {@code -Dhypatia.fuzz.seed=N} picks another seed. A summary of cases by
 * kind and status is printed and written to {@code target/fuzz-summary.csv}.
 */
public class FuzzIT {
    private static final Set<Status.Code> ACCEPTABLE = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.OUT_OF_RANGE);
    private static final long MAX_HEAP_AFTER_GC = 512L << 20;
    private static final String STUDY = "fuzz";

    private static ServiceFixture service;
    private static final List<Long> trialIds = new ArrayList<>();

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    @BeforeClass
    public static void start() throws Exception {
        service = ServiceFixture.start();
        SearchSpace space = SearchSpace.newBuilder()
                .addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(-5).setHigh(5)))
                .addParams(Parameter.newBuilder().setName("n").setInt(IntDomain.newBuilder().setLow(1).setHigh(64).setLog(true)))
                .addParams(Parameter.newBuilder().setName("opt").setCategorical(CategoricalDomain.newBuilder()
                        .addChoices(Value.newBuilder().setStringValue("sgd")).addChoices(Value.newBuilder().setStringValue("adam"))))
                .build();
        service.stub().createStudy(CreateStudyRequest.newBuilder().setName(STUDY).setSearchSpace(space)
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE)).build());
        for (var asked : service.stub().ask(AskRequest.newBuilder().setStudy(STUDY).setCount(8).build()).getTrialsList()) {
            Trial t = asked.getTrial();
            trialIds.add(t.getId());
        }
    }

    @AfterClass
    public static void stop() throws Exception {
        service.close();
    }

    @Test
    public void everyRpcAnswersAWellFormedStatusToGarbage() throws Exception {
        int cases = Integer.getInteger("hypatia.fuzz.cases", 2400);
        SplittableRandom rng = new SplittableRandom(Long.getLong("hypatia.fuzz.seed", 20261201L));
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : new HypatiaServiceGrpc.HypatiaServiceImplBase() { }.bindService().getMethods()) {
            methods.add(m.getMethodDescriptor());
        }
        Map<String, Map<Status.Code, Integer>> byKind = new TreeMap<>();
        Map<String, Integer> byMethod = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        ManagedChannel channel = service.channel();
        long started = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            MethodDescriptor<?, ?> method = methods.get(rng.nextInt(methods.size()));
            Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
            boolean deletes = method.getBareMethodName().equals("DeleteStudy");
            String kind;
            byte[] body;
            switch (rng.nextInt(3)) {
                case 0 -> {
                    kind = "random-bytes";
                    body = new byte[rng.nextInt(4) == 0 ? rng.nextInt(20_000) : rng.nextInt(64)];
                    for (int b = 0; b < body.length; b++) {
                        body[b] = (byte) rng.nextInt(256);
                    }
                }
                case 1 -> {
                    kind = "mutated";
                    body = mutate(extreme(prototype.newBuilderForType(), rng, 0, deletes, true).toByteArray(), rng);
                }
                default -> {
                    kind = "extreme-values";
                    body = extreme(prototype.newBuilderForType(), rng, 0, deletes, false).toByteArray();
                }
            }
            Status.Code code = call(channel, method.getFullMethodName(), body, bad, kind);
            byKind.computeIfAbsent(kind, k -> new TreeMap<>()).merge(code, 1, Integer::sum);
            byMethod.merge(method.getBareMethodName(), 1, Integer::sum);
            if (i % 500 == 499) {
                assertEquals("health after " + (i + 1) + " cases", HealthCheckResponse.ServingStatus.SERVING,
                        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
                if (cases > 10_000) {
                    System.out.printf("fuzz: %d of %d cases, %.0f s%n", i + 1, cases, (System.nanoTime() - started) / 1e9);
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        report(cases, seconds, byKind, byMethod, used);
        assertTrue("answers outside " + ACCEPTABLE + ":\n" + String.join("\n", bad.subList(0, Math.min(20, bad.size()))), bad.isEmpty());
        assertTrue("heap after GC " + (used >> 20) + " MiB", used < MAX_HEAP_AFTER_GC);
    }

    private static Status.Code call(ManagedChannel channel, String fullMethod, byte[] body, List<String> bad, String kind) {
        MethodDescriptor<byte[], byte[]> md = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(fullMethod)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        Status status;
        try {
            ClientCalls.blockingUnaryCall(channel, md, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), body);
            status = Status.OK;
        } catch (StatusRuntimeException e) {
            status = e.getStatus();
        }
        boolean wellFormed = ACCEPTABLE.contains(status.getCode())
                && (status.isOk() || (status.getDescription() != null && !status.getDescription().isBlank()
                && status.getDescription().length() <= 4000));
        if (!wellFormed) {
            String d = String.valueOf(status.getDescription());
            bad.add(kind + " " + fullMethod + " (" + body.length + " bytes): " + status.getCode() + " " + d.substring(0, Math.min(300, d.length())));
        }
        return status.getCode();
    }

    /** Flips, truncates, duplicates or splices bytes of an encoded message. */
    private static byte[] mutate(byte[] valid, SplittableRandom rng) {
        byte[] b = valid.length == 0 ? new byte[] {(byte) rng.nextInt(256)} : valid.clone();
        int edits = 1 + rng.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            switch (rng.nextInt(4)) {
                case 0 -> b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                case 1 -> b = java.util.Arrays.copyOf(b, rng.nextInt(b.length));
                case 2 -> b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                default -> {
                    int from = rng.nextInt(b.length);
                    int len = rng.nextInt(b.length - from) + 1;
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, b.length);
                    System.arraycopy(b, from, out, b.length, len);
                    b = out;
                }
            }
        }
        return b;
    }

    /** A message with random fields set to extreme or plausible values; {@code plausible} favours valid-looking ones. */
    private static Message extreme(Message.Builder b, SplittableRandom rng, int depth, boolean deletes, boolean plausible) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (rng.nextInt(3) == 0 || depth > 4) {
                continue;
            }
            if (f.isRepeated()) {
                int n = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        ? pickInt(rng, 0, 1, 2, 3, 8, depth == 0 && rng.nextInt(20) == 0 ? 2000 : 4)
                        : pickInt(rng, 0, 1, 2, 5, rng.nextInt(20) == 0 ? 12_000 : 3);
                for (int i = 0; i < n; i++) {
                    Object v = value(b, f, rng, depth, deletes, plausible);
                    if (v != null) {
                        b.addRepeatedField(f, v);
                    }
                }
            } else {
                Object v = value(b, f, rng, depth, deletes, plausible);
                if (v != null) {
                    b.setField(f, v);
                }
            }
        }
        return b.build();
    }

    private static Object value(Message.Builder b, FieldDescriptor f, SplittableRandom rng, int depth, boolean deletes, boolean plausible) {
        return switch (f.getJavaType()) {
            case INT -> plausible ? pickInt(rng, 0, 1, 2, 3, 10, 100) : pickInt(rng, 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, rng.nextInt());
            case LONG -> f.getName().equals("trial_id") && (plausible || rng.nextBoolean()) && !trialIds.isEmpty()
                    ? trialIds.get(rng.nextInt(trialIds.size()))
                    : pickLong(rng, 0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53, -(1L << 53), rng.nextLong());
            case DOUBLE -> plausible ? rng.nextDouble() * 10 - 5
                    : pickDouble(rng, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                    Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1e-300, rng.nextDouble());
            case FLOAT -> (float) rng.nextDouble();
            case BOOLEAN -> rng.nextBoolean();
            case STRING -> string(f, rng, deletes, plausible);
            case BYTE_STRING -> com.google.protobuf.ByteString.copyFrom(new byte[rng.nextInt(16)]);
            case ENUM -> {
                EnumDescriptor e = f.getEnumType();
                yield e.getValues().get(rng.nextInt(e.getValues().size()));
            }
            case MESSAGE -> extreme(b.newBuilderForField(f), rng, depth + 1, deletes, plausible);
        };
    }

    private static String string(FieldDescriptor f, SplittableRandom rng, boolean deletes, boolean plausible) {
        boolean names = f.getName().equals("study") || f.getName().equals("name") || f.getName().equals("parent");
        if (names && !deletes && rng.nextInt(plausible ? 2 : 4) == 0) {
            return f.getName().equals("study") ? STUDY : pick(rng, "x", "n", "opt");
        }
        if (plausible) {
            return pick(rng, "", "x", "n", "opt", "sgd", "random", "median", "fuzz-" + rng.nextInt(1000), "w" + rng.nextInt(9));
        }
        return switch (rng.nextInt(8)) {
            case 0 -> "";
            case 1 -> "\u0000\uffff\ud800";
            case 2 -> "n".repeat(1 + rng.nextInt(300_000));
            case 3 -> "../../etc/passwd";
            case 4 -> "ü€\t\n'\"; DROP TABLE studies; --";
            case 5 -> "random";
            case 6 -> "9".repeat(400);
            default -> "s" + rng.nextInt(1_000_000);
        };
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom rng, T... options) {
        return options[rng.nextInt(options.length)];
    }

    private static int pickInt(SplittableRandom rng, int... options) {
        return options[rng.nextInt(options.length)];
    }

    private static long pickLong(SplittableRandom rng, long... options) {
        return options[rng.nextInt(options.length)];
    }

    private static double pickDouble(SplittableRandom rng, double... options) {
        return options[rng.nextInt(options.length)];
    }

    private static void report(int cases, double seconds, Map<String, Map<Status.Code, Integer>> byKind,
                               Map<String, Integer> byMethod, long heap) throws IOException {
        System.out.printf("fuzz: %d cases in %.1f s (%.0f/s), heap after GC %d MiB%n", cases, seconds, cases / seconds, heap >> 20);
        Path csv = Path.of("target", "fuzz-summary.csv");
        Files.createDirectories(csv.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            w.println("kind,status,cases");
            byKind.forEach((kind, codes) -> codes.forEach((code, n) -> {
                System.out.printf("  %-15s %-20s %6d%n", kind, code, n);
                w.printf("%s,%s,%d%n", kind, code, n);
            }));
        }
        System.out.println("  cases per method: " + byMethod);
    }
}
