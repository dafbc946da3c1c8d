package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.hypatia.api.space.IntParameter;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.IntDomain;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 11 finding 4: every sampler bundle, loaded in real Felix, on integer domains at the
 * extremes the API accepts (+-2^53, step 2^53, log up to 2^53): every value handed out lies in
 * its domain, on its step grid, and no call falls back to random sampling.
 */
public class ExtremeDomainsIT {
    private static final long M = IntParameter.MAX_MAGNITUDE;
    private static final int TRIALS = 20;
    private static ServiceFixture service;

    private record Domain(long low, long high, long step, boolean log) {
        boolean contains(long v) {
            return v >= low && v <= high && Math.floorMod(v - low, step) == 0;
        }
    }

    private static final Map<String, Domain> DOMAINS = Map.of(
            "wide", new Domain(-M, M, 1, false),
            "upper", new Domain(0, M, 1, false),
            "coarse", new Domain(-M, M, M, false),
            "logwide", new Domain(1, M, 1, true),
            "top", new Domain(M - 3, M, 1, false));

    @BeforeClass
    public static void start() throws Exception {
        service = ServiceFixture.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        service.close();
    }

    @Test
    public void everySamplerStaysInsideExtremeIntegerDomains() {
        for (String sampler : List.of("random", "sobol", "halton", "tpe", "gp", "cmaes", "nsga2", "grid")) {
            SearchSpace.Builder space = SearchSpace.newBuilder();
            DOMAINS.forEach((name, d) -> space.addParams(Parameter.newBuilder().setName(name).setInt(
                    IntDomain.newBuilder().setLow(d.low()).setHigh(d.high()).setStep(d.step()).setLog(d.log()))));
            space.addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(-1e300).setHigh(1e300)));
            boolean twoObjectives = sampler.equals("nsga2");
            CreateStudyRequest.Builder create = CreateStudyRequest.newBuilder().setName("extreme-" + sampler).setSearchSpace(space)
                    .setSampler(PluginSelection.newBuilder().setName(sampler).putConfig(
                            sampler.equals("nsga2") ? "population_size" : "seed", sampler.equals("nsga2") ? "8" : "5"))
                    .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE));
            if (sampler.equals("grid")) {
                // Grid search cannot enumerate a 2^53-point integer axis: it refuses the study at
                // creation, naming the axis, instead of falling back on every ask.
                create.getSamplerBuilder().putConfig("grid.x", "-1e300,0,1e300");
                io.grpc.StatusRuntimeException refused = org.junit.Assert.assertThrows(io.grpc.StatusRuntimeException.class,
                        () -> service.stub().createStudy(create.build()));
                assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription(), refused.getStatus().getDescription().startsWith("sampler.config.grid."));
                continue;
            }
            if (twoObjectives) {
                create.addObjectives(Objective.newBuilder().setName("z").setDirection(Direction.MAXIMIZE));
            }
            service.stub().createStudy(create.build());
            for (int i = 0; i < TRIALS; i++) {
                Trial t = service.stub().ask(AskRequest.newBuilder().setStudy("extreme-" + sampler).setWorker("w").build()).getTrials(0).getTrial();
                Map<String, Long> ints = new HashMap<>();
                for (ParameterValue pv : t.getConfigList()) {
                    if (DOMAINS.containsKey(pv.getName())) {
                        long v = pv.getValue().getIntValue();
                        assertTrue(sampler + " handed out " + pv.getName() + " = " + v + " outside " + DOMAINS.get(pv.getName()),
                                DOMAINS.get(pv.getName()).contains(v));
                        ints.put(pv.getName(), v);
                    }
                }
                assertEquals(sampler + ": every int parameter has a value", DOMAINS.keySet(), ints.keySet());
                // An objective that uses the values, so model-based samplers see a real signal.
                double y = Math.abs(ints.get("wide") / (double) M) + ints.get("upper") / (double) M;
                TellRequest.Complete.Builder values = TellRequest.Complete.newBuilder().addValues(y);
                if (twoObjectives) {
                    values.addValues(ints.get("logwide") / (double) M);
                }
                service.stub().tell(TellRequest.newBuilder().setStudy("extreme-" + sampler).setTrialId(t.getId()).setComplete(values).build());
            }
            long fallbacks = service.stub().getStudy(GetStudyRequest.newBuilder().setStudy("extreme-" + sampler).build())
                    .getStudy().getPluginFallbacks();
            assertEquals(sampler + " fell back to random sampling", 0, fallbacks);
        }
    }

    /**
     * Issue 12: the other end of a grid. Once every point is handed out the real grid bundle
     * says so and the ask is refused with OUT_OF_RANGE, instead of sampling at random.
     */
    @Test
    public void aGridStudyEndsWithOutOfRangeOnceEveryPointIsHandedOut() {
        service.stub().createStudy(CreateStudyRequest.newBuilder().setName("grid-ends")
                .setSearchSpace(SearchSpace.newBuilder().addParams(Parameter.newBuilder().setName("x")
                        .setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                .setSampler(PluginSelection.newBuilder().setName("grid").putConfig("grid.x", "0.25,0.75"))
                .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE)).build());
        List<Trial> asked = service.stub().ask(AskRequest.newBuilder().setStudy("grid-ends").setCount(5).setWorker("w").build())
                .getTrialsList().stream().map(a -> a.getTrial()).toList();
        assertEquals("an ask for more than the grid holds gets the grid", 2, asked.size());
        io.grpc.StatusRuntimeException refused = org.junit.Assert.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> service.stub().ask(AskRequest.newBuilder().setStudy("grid-ends").setWorker("w").build()));
        assertEquals(io.grpc.Status.Code.OUT_OF_RANGE, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription(), refused.getStatus().getDescription().contains("the grid of 2 points is exhausted"));
        assertEquals(0, service.stub().getStudy(GetStudyRequest.newBuilder().setStudy("grid-ends").build()).getStudy().getPluginFallbacks());
    }
}
