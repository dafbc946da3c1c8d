package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.grpc.Status;
import io.hypatia.client.Decision;
import io.hypatia.client.HypatiaClient;
import io.hypatia.client.HypatiaException;
import io.hypatia.client.SearchSpace;
import io.hypatia.client.Study;
import io.hypatia.client.StudyOptions;
import io.hypatia.client.Trial;
import io.hypatia.client.TrialRecord;
import io.hypatia.client.TrialScope;
import io.hypatia.grpc.v1.HandOut;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The Java client (clients/java) against the real service. */
public class JavaClientIT {
    private static ServiceFixture fixture;
    private static HypatiaClient client;

    @BeforeClass
    public static void start() throws Exception {
        fixture = ServiceFixture.start();
        client = HypatiaClient.connect("127.0.0.1:" + fixture.port());
    }

    @AfterClass
    public static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    public void paramsComeBackWithTheDeclaredTypes() {
        Study study = client.createStudy("java-types", new SearchSpace()
                .categorical("flag", true, false)
                .categorical("opt", "sgd", "adam")
                .floatParam("momentum", 0, 0.99).when("opt", "sgd")
                .intParam("units", 16, 256, 16, false)
                .ordinal("depth", 1, 2, 4), StudyOptions.minimize("loss"));
        Set<Boolean> flags = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            Trial t = study.ask();
            flags.add(t.getBoolean("flag"));
            assertEquals(t.params().containsKey("momentum"), t.getString("opt").equals("sgd"));
            assertEquals(0, (t.getLong("units") - 16) % 16);
            assertTrue(List.of(1L, 2L, 4L).contains(t.getLong("depth")));
            assertEquals(HandOut.NEW, t.handOut());
            assertFalse(t.resumed());
            assertNull(t.checkpoint());
            TrialRecord told = t.tell(1.0);
            assertEquals("COMPLETE", told.state());
            assertEquals(t.params(), told.params());
        }
        assertEquals(Set.of(true, false), flags);
    }

    @Test
    public void errorsCarryTheCodeAndTheField() {
        HypatiaException bad = assertThrows(HypatiaException.class, () -> client.createStudy("java-bad",
                new SearchSpace().floatParam("lr", 1.0, 0.1), StudyOptions.minimize("loss")));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.code());
        assertEquals("search_space.params[0].float.low", bad.field());
        assertEquals("CreateStudy", bad.method());

        Study study = client.createStudy("java-errors", new SearchSpace().floatParam("x", 0, 1), StudyOptions.minimize("loss"));
        assertThrows(HypatiaException.class, () -> client.createStudy("java-errors", new SearchSpace().floatParam("x", 0, 1),
                StudyOptions.minimize("loss")));
        assertEquals("java-errors", client.createStudy("java-errors", new SearchSpace().floatParam("x", 0, 1),
                StudyOptions.minimize("loss").loadIfExists()).name());
        assertTrue(study.bestTrials().isEmpty());
        Trial t = study.ask();
        HypatiaException nan = assertThrows(HypatiaException.class, () -> t.tell(Double.NaN));
        assertEquals("complete.values[0]", nan.field());
        t.tell(0.5);
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(HypatiaException.class, () -> t.tell(0.5)).code());
        assertEquals(t.id(), study.bestTrials().get(0).id());

        client.deleteStudy("java-errors");
        HypatiaException gone = assertThrows(HypatiaException.class, () -> client.loadStudy("java-errors"));
        assertEquals(Status.Code.NOT_FOUND, gone.code());
        assertEquals("study", gone.field());

        try (HypatiaClient dead = HypatiaClient.builder("127.0.0.1:1").retries(1).timeout(Duration.ofSeconds(5)).build()) {
            HypatiaException unavailable = assertThrows(HypatiaException.class, dead::listStudies);
            assertEquals(Status.Code.UNAVAILABLE, unavailable.code());
            assertNull(unavailable.field());
        }
    }

    @Test
    public void theMedianRuleStopsABadTrialAndReportsCarryCheckpoints() {
        Study study = client.createStudy("java-median", new SearchSpace().floatParam("x", 0, 1),
                StudyOptions.minimize("loss").scheduler("median", Map.of("min_completed", 2, "warmup_steps", 0))
                        .fidelity("epochs", 1, 5));
        for (double good : new double[] {0.1, 0.2}) {
            Trial t = study.ask();
            assertEquals(5.0, t.budget(), 0.0);
            for (int epoch = 1; epoch <= 5; epoch++) {
                assertEquals(Decision.CONTINUE, t.report(epoch, good, "ckpt/" + t.number() + "/" + epoch));
            }
            TrialRecord told = t.tell(good);
            assertEquals(5, told.intermediateValues().size());
        }
        Trial bad = study.ask();
        assertEquals(Decision.STOP, bad.report(1, 100.0, "ckpt/bad/1"));
        assertTrue(bad.shouldStop() && bad.finished());
        assertEquals("PRUNED", study.getTrial(bad.id()).state());
    }

    @Test
    public void aLostWorkerIsFencedAndItsTrialResumesFromTheReportedCheckpoint() throws Exception {
        Study study = client.createStudy("java-fence", new SearchSpace().floatParam("x", 0, 1),
                StudyOptions.minimize("loss").leaseSeconds(5).fidelity("epochs", 1, 10));
        Trial lost = study.ask();
        assertEquals(1, lost.attempt());
        for (int step = 1; step <= 3; step++) {
            lost.report(step, 1.0 / step, step == 2 ? "ckpt-at-2" : null);
        }
        while (!study.getTrial(lost.id()).state().equals("WAITING")) {
            Thread.sleep(200); // polling the service: the expired lease requeues the trial
        }
        try (TrialScope resumed = study.trial(Duration.ofMillis(300))) {
            assertEquals(lost.id(), resumed.id());
            assertEquals(2, resumed.attempt());
            assertEquals(HandOut.REQUEUED, resumed.handOut());
            assertTrue(resumed.resumed());
            assertEquals("ckpt-at-2", resumed.checkpoint());
            assertEquals(2.0, resumed.resumeStep(), 0.0);
            assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(HypatiaException.class, () -> lost.report(4, 0.2)).code());
            assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(HypatiaException.class, () -> lost.tell(0.2)).code());
            assertTrue(lost.heartbeat());
            assertEquals(Decision.CONTINUE, resumed.report(3, 0.3));
            TrialRecord told = resumed.tell(0.3);
            assertEquals(Map.of(1.0, 1.0, 2.0, 0.5, 3.0, 0.3), told.intermediateValues());
        }
    }

    @Test
    public void ashaPromotesTheBestPausedTrialWithItsCheckpoint() {
        // ASHA's defaults: promotion, eta 3, rungs from the fidelity's min (1) to its max (9).
        Study study;
        try {
            study = client.createStudy("java-asha", new SearchSpace().floatParam("x", 0, 1),
                    StudyOptions.minimize("loss").fidelity("epochs", 1, 9).scheduler("asha"));
        } catch (HypatiaException e) {
            assumeTrue("the service has no asha scheduler loaded: " + e.description(), !"scheduler.name".equals(e.field()));
            throw e;
        }
        long best = -1;
        for (double value : new double[] {0.3, 0.1, 0.2}) {
            Trial t = study.ask();
            assertEquals(1.0, t.budget(), 0.0);
            assertEquals(Decision.PAUSE, t.report(1, value, "ckpt-" + t.number()));
            if (value == 0.1) {
                best = t.id();
            }
        }
        Trial promoted = study.ask();
        assertEquals(best, promoted.id());
        assertEquals(HandOut.PROMOTED, promoted.handOut());
        assertEquals("ckpt-" + promoted.number(), promoted.checkpoint());
        assertEquals(1.0, promoted.resumeStep(), 0.0);
        assertEquals(3.0, promoted.budget(), 0.0);
    }

    @Test
    public void aTrialScopeHeartbeatsAndFailsTheTrialWhenLeftUnfinished() throws Exception {
        Study study = client.createStudy("java-scope", new SearchSpace().floatParam("x", 0, 1),
                StudyOptions.minimize("loss").leaseSeconds(3));
        long thrown = -1;
        try (TrialScope trial = study.trial()) {
            thrown = trial.id();
            throw new IllegalStateException("out of memory");
        } catch (IllegalStateException expected) {
            // the scope told the trial FAILED on the way out
        }
        assertEquals("FAILED", study.getTrial(thrown).state());

        try (TrialScope trial = study.trial(Duration.ofMillis(300))) {
            long first = study.getTrial(trial.id()).leaseExpiresAtMs();
            while (study.getTrial(trial.id()).leaseExpiresAtMs() <= first) {
                Thread.sleep(100); // polling the service's state, not timing: the heartbeat thread moves it
            }
            trial.tell(0.25);
            assertEquals("COMPLETE", study.getTrial(trial.id()).state());
        }
        TrialRecord queued = study.enqueue(Map.of("x", 0.5));
        assertEquals("WAITING", queued.state());
        assertEquals(0.5, study.ask().getDouble("x"), 0.0);
    }

    @Test
    public void listingFollowsPagesOfTheClientsPageSize() {
        Study study = client.createStudy("java-pages", new SearchSpace().floatParam("x", 0, 1), StudyOptions.minimize("loss"));
        for (int i = 0; i < 5; i++) {
            study.ask().tell(0.5);
        }
        try (HypatiaClient small = HypatiaClient.builder("127.0.0.1:" + fixture.port()).pageSize(2).build();
             HypatiaClient huge = HypatiaClient.builder("127.0.0.1:" + fixture.port()).pageSize(1_000_000).build()) {
            // Pages of 2: all five only if the client follows the page tokens.
            assertEquals(List.of(0, 1, 2, 3, 4), small.loadStudy("java-pages").trials().stream().map(TrialRecord::number).toList());
            assertTrue(small.listStudies().contains("java-pages"));
            // Above the service's max_page_size: the setting reaches the wire.
            HypatiaException refused = assertThrows(HypatiaException.class, () -> huge.loadStudy("java-pages").trials());
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.code());
            assertEquals("page_size", refused.field());
        }
        assertThrows(IllegalArgumentException.class, () -> HypatiaClient.builder("127.0.0.1:1").pageSize(-1));
    }

    /** Against `hypatia serve --auth-tokens ... --tls-cert ... --tls-key ...` (a self-signed certificate). */
    @Test
    public void aTokenOverTlsWorksAndABadTokenIsUnauthenticated() throws Exception {
        try (SecuredService secured = SecuredService.start();
             HypatiaClient good = HypatiaClient.builder(secured.target()).token(secured.token).tlsCa(secured.ca).pageSize(2).build();
             HypatiaClient wrong = HypatiaClient.builder(secured.target()).token("not-" + secured.token).tlsCa(secured.ca)
                     .retries(0).build();
             HypatiaClient anonymous = HypatiaClient.builder(secured.target()).tlsCa(secured.ca).retries(0).build();
             HypatiaClient plaintext = HypatiaClient.builder(secured.target()).token(secured.token).retries(0)
                     .timeout(Duration.ofSeconds(10)).build()) {
            Study study = good.createStudy("java-secure", new SearchSpace().floatParam("x", 0, 1), StudyOptions.minimize("loss"));
            for (double v : new double[] {0.5, 0.25, 0.75}) {
                study.ask().tell(v);
            }
            assertEquals(3, study.trials().size());
            assertEquals(0.25, study.bestTrials().get(0).values().get(0), 0.0);
            assertEquals(List.of("java-secure"), good.listStudies()); // its tenant's study, under the name it gave

            HypatiaException bad = assertThrows(HypatiaException.class, () -> wrong.loadStudy("java-secure"));
            assertEquals(Status.Code.UNAUTHENTICATED, bad.code());
            assertEquals("unknown or revoked token", bad.description());
            assertNull(bad.field());
            HypatiaException none = assertThrows(HypatiaException.class, anonymous::listStudies);
            assertEquals(Status.Code.UNAUTHENTICATED, none.code());
            assertTrue(none.description(), none.description().contains("bearer token"));
            // The TLS port does not answer plaintext.
            assertEquals(Status.Code.UNAVAILABLE, assertThrows(HypatiaException.class, plaintext::listStudies).code());
        }
    }
}
