package io.hypatia.dashboard;

import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudyInfo;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The service's Prometheus registry: JVM metrics, study and trial gauges read from the engine
 * at scrape time, and whatever the gateway and engine listeners register (RPC latency, plugin
 * calls, store commits).
 *
 * <p>Per-study series ({@code hypatia_study_trials}, {@code hypatia_study_plugin_fallbacks})
 * exist only for the {@code studyLimit} most recently created studies, so the number of series
 * stays bounded however many studies the store holds; {@code hypatia_trials} counts every study.
 */
public final class ServiceMetrics {
    /** How many of the newest studies get per-study series unless configured otherwise. */
    public static final int DEFAULT_STUDY_LIMIT = 20;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    private final EngineMetrics engineMetrics = new EngineMetrics(registry);
    private boolean jvmMetricsAdded;

    /** With the JVM metrics (memory, GC, threads, ...). */
    public ServiceMetrics() {
        this(true);
    }

    /**
     * @param jvmMetrics register the JVM metrics now; false: later, through {@link #addJvmMetrics}
     *                   (registering them starts the JVM's management beans: in profiles of a restart,
     *                   about a twentieth of the main thread's CPU before the gRPC port opened)
     */
    public ServiceMetrics(boolean jvmMetrics) {
        if (jvmMetrics) {
            addJvmMetrics();
        }
    }

    /** Registers the JVM metrics (once). */
    public synchronized ServiceMetrics addJvmMetrics() {
        if (!jvmMetricsAdded) {
            JvmMetrics.builder().register(registry);
            jvmMetricsAdded = true;
        }
        return this;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Adds the study gauges, read from {@code engine} on every scrape, and listens to its plugin
     * calls and store commits.
     */
    public ServiceMetrics watch(StudyEngine engine, int studyLimit) {
        if (studyLimit < 0) {
            throw new IllegalArgumentException("studyLimit must be >= 0, got " + studyLimit);
        }
        registry.register(new StudyCollector(engine, studyLimit));
        engine.setListener(engineMetrics);
        return this;
    }

    /** Calls, errors, timeouts and fallbacks of plugin {@code kind/name} since the service started. */
    public Map<String, Long> pluginCounts(String kind, String name) {
        return engineMetrics.counts(kind + "/" + name);
    }

    /** The content type answering an HTTP {@code Accept} header (text format by default). */
    public String contentType(String acceptHeader) {
        return formats.findWriter(acceptHeader).getContentType();
    }

    /** Writes every metric in the format the {@code Accept} header asks for. */
    public void write(String acceptHeader, OutputStream out) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(acceptHeader);
        writer.write(out, registry.scrape());
    }

    /** One pass over the engine's studies yields every study gauge of a scrape. */
    private record StudyCollector(StudyEngine engine, int studyLimit) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<StudyInfo> studies = engine.listStudies();
            Map<TrialState, Long> totals = new EnumMap<>(TrialState.class);
            for (TrialState s : TrialState.values()) {
                totals.put(s, 0L);
            }
            studies.forEach(st -> st.trialCounts().forEach((s, n) -> totals.merge(s, (long) n, Long::sum)));

            GaugeSnapshot.Builder all = GaugeSnapshot.builder().name("hypatia_trials")
                    .help("Trials of every study, by state");
            totals.forEach((s, n) -> all.dataPoint(point(n, "state", s.name())));

            GaugeSnapshot.Builder perStudy = GaugeSnapshot.builder().name("hypatia_study_trials")
                    .help("Trials by state of the most recently created studies (see the README for the limit)");
            GaugeSnapshot.Builder fallbacks = GaugeSnapshot.builder().name("hypatia_study_plugin_fallbacks")
                    .help("Sampler/scheduler calls replaced by the fallback since the service started, for the most recent studies");
            studies.stream().sorted(Comparator.comparingLong(StudyInfo::createdAt).thenComparingLong(StudyInfo::id).reversed())
                    .limit(studyLimit).forEach(st -> {
                        String name = st.spec().name();
                        st.trialCounts().forEach((s, n) -> perStudy.dataPoint(point(n, "study", name, "state", s.name())));
                        fallbacks.dataPoint(point(st.pluginFallbacks(), "study", name));
                    });
            GaugeSnapshot count = GaugeSnapshot.builder().name("hypatia_studies").help("Studies in the store")
                    .dataPoint(GaugeDataPointSnapshot.builder().value(studies.size()).build()).build();
            return MetricSnapshots.of(count, all.build(), perStudy.build(), fallbacks.build());
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("hypatia_studies", "hypatia_trials", "hypatia_study_trials", "hypatia_study_plugin_fallbacks");
        }

        private static GaugeDataPointSnapshot point(double value, String... labels) {
            return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
        }
    }
}
