package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * A child JVM runs `hypatia serve`; a client tells results, the child is killed with SIGKILL,
 * a new child starts on the same data folder, and every acknowledged result is there.
 */
public class CrashRecoveryIT {
    private static final int TOLD = 60;

    @Test
    public void acknowledgedTellsSurviveKillDashNine() throws Exception {
        Path work = Files.createTempDirectory("hypatia-crash");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.copy(ServiceFixture.bundlesDir().resolve("hypatia-sampler-random.jar"), deploy.resolve("random.jar"));
        Path data = work.resolve("data");
        Map<Long, Double> told = new HashMap<>();
        long leasedButUntold;

        Child first = startService(data, deploy);
        try (Client c = new Client(first.port)) {
            c.stub.createStudy(CreateStudyRequest.newBuilder().setName("crash")
                    .setSearchSpace(SearchSpace.newBuilder()
                            .addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                    .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE)).build());
            for (int i = 0; i < TOLD; i++) {
                AskedTrial a = c.stub.ask(AskRequest.newBuilder().setStudy("crash").setCount(1).setWorker("w").build()).getTrials(0);
                double y = Math.sin(7 * TrialValues.number(a.getTrial(), "x"));
                c.stub.tell(TellRequest.newBuilder().setStudy("crash").setTrialId(a.getTrial().getId())
                        .setRequestId("r" + i).setComplete(TellRequest.Complete.newBuilder().addValues(y)).build());
                told.put(a.getTrial().getId(), y);
            }
            leasedButUntold = c.stub.ask(AskRequest.newBuilder().setStudy("crash").setCount(1).setWorker("w").build())
                    .getTrials(0).getTrial().getId();
        } finally {
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no orderly close of the store
            first.process.waitFor(30, TimeUnit.SECONDS);
        }

        Child second = startService(data, deploy);
        try (Client c = new Client(second.port)) {
            List<Trial> trials = c.stub.listTrials(ListTrialsRequest.newBuilder().setStudy("crash").build()).getTrialsList();
            assertEquals(TOLD + 1, trials.size());
            int complete = 0;
            for (Trial t : trials) {
                if (t.getId() == leasedButUntold) {
                    assertEquals("a leased trial is still RUNNING after the restart", TrialState.RUNNING, t.getState());
                    continue;
                }
                assertEquals(TrialState.COMPLETE, t.getState());
                assertEquals(told.get(t.getId()), t.getValues(0), 0.0);
                complete++;
            }
            assertEquals(TOLD, complete);
            // The study goes on where it stopped: trial numbers continue.
            AskedTrial next = c.stub.ask(AskRequest.newBuilder().setStudy("crash").setCount(1).build()).getTrials(0);
            assertEquals(TOLD + 1, next.getTrial().getNumber());
        } finally {
            second.process.destroy();
            second.process.waitFor(30, TimeUnit.SECONDS);
            ServiceFixture.deleteTree(work);
        }
    }

    /** Starts `hypatia serve` in a child JVM and waits for its "serving" line. */
    private record Child(Process process, int port) {
    }

    private static Child startService(Path data, Path deploy) throws Exception {
        ChildService child = ChildService.start(data, deploy, "--port", "0");
        return new Child(child.process, child.awaitServing());
    }

    private static final class Client implements AutoCloseable {
        final ManagedChannel channel;
        final HypatiaServiceGrpc.HypatiaServiceBlockingStub stub;

        Client(int port) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            stub = HypatiaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
