package io.hypatia.engine;

import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a study spec at CreateStudy against the loaded plugins, naming the bad field. */
final class StudySpecCheck {
    private static final Pattern STUDY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final long MAX_LEASE_MILLIS = 100L * 365 * 24 * 3600 * 1000;
    private final PluginCalls pluginCalls;

    StudySpecCheck(PluginCalls pluginCalls) {
        this.pluginCalls = pluginCalls;
    }

    void validate(StudySpec spec) {
        if (spec.name() == null || spec.name().isEmpty()) {
            throw EngineException.invalid("name", "must not be empty");
        }
        if (!STUDY_NAME.matcher(spec.name()).matches()) {
            throw EngineException.invalid("name", "'" + spec.name()
                    + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (spec.space() == null) {
            throw EngineException.invalid("search_space", "is required");
        }
        if (spec.objectives().isEmpty()) {
            throw EngineException.invalid("objectives", "a study needs at least one objective");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.objectives().size(); i++) {
            Objective o = spec.objectives().get(i);
            if (o.name() == null || o.name().isBlank()) {
                throw EngineException.invalid("objectives[" + i + "].name", "must not be empty");
            }
            if (!names.add(o.name())) {
                throw EngineException.invalid("objectives[" + i + "].name", "duplicate objective '" + o.name() + "'");
            }
            if (o.direction() == null) {
                throw EngineException.invalid("objectives[" + i + "].direction", "must be MINIMIZE or MAXIMIZE");
            }
        }
        validatePluginRef("sampler", spec.sampler());
        String seed = spec.sampler().config().get("seed");
        if (seed != null) {
            try {
                Long.parseLong(seed.trim());
            } catch (NumberFormatException e) {
                throw EngineException.invalid("sampler.config.seed", "'" + seed + "' is not an integer");
            }
        }
        var sampler = pluginCalls.sampler(spec.sampler()).orElseThrow(() -> EngineException.invalid("sampler.name",
                "no sampler named '" + spec.sampler().name() + "'" + rangeText(spec.sampler())
                        + " is loaded; loaded samplers: " + loadedNames("sampler")));
        PluginSettingsCheck.check("sampler", sampler.service(), spec.sampler().config(), spec.space());
        validatePluginRef("scheduler", spec.scheduler());
        var scheduler = pluginCalls.scheduler(spec.scheduler());
        if (!PluginCalls.NO_SCHEDULER.equals(spec.scheduler().name()) && scheduler.isEmpty()) {
            throw EngineException.invalid("scheduler.name", "no scheduler named '" + spec.scheduler().name() + "'"
                    + rangeText(spec.scheduler()) + " is loaded; loaded schedulers: " + loadedNames("scheduler"));
        }
        PluginSettingsCheck.check("scheduler", scheduler.map(Plugins.Resolved::service).orElse(null),
                spec.scheduler().config(), spec.space());
        validateFidelity(spec);
        validateScheduler(spec);
        if (spec.leaseMillis() <= 0 || spec.leaseMillis() > MAX_LEASE_MILLIS) {
            throw EngineException.invalid("lease_seconds", "must be positive and at most 100 years");
        }
        if (spec.maxAttempts() < 1) {
            throw EngineException.invalid("max_attempts", "must be at least 1");
        }
        if (spec.samplerTimeoutMillis() <= 0 || spec.schedulerTimeoutMillis() <= 0) {
            throw EngineException.invalid(spec.samplerTimeoutMillis() <= 0 ? "sampler_timeout_ms" : "scheduler_timeout_ms",
                    "must be positive");
        }
    }

    private static void validateFidelity(StudySpec spec) {
        if (spec.fidelity() == null) {
            return;
        }
        var f = spec.fidelity();
        if (f.name() == null || f.name().isBlank()) {
            throw EngineException.invalid("fidelity.name", "must not be empty");
        }
        if (!(f.min() > 0) || !Double.isFinite(f.min())) {
            throw EngineException.invalid("fidelity.min", "must be a finite number > 0, got " + f.min());
        }
        if (!(f.max() >= f.min()) || !Double.isFinite(f.max())) {
            throw EngineException.invalid("fidelity.max", "must be finite and >= min (" + f.min() + "), got " + f.max());
        }
    }

    /** Lets the scheduler refuse a study it cannot work with (bad settings, no fidelity, ...). */
    private void validateScheduler(StudySpec spec) {
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(spec.scheduler());
        if (scheduler.isEmpty()) {
            return;
        }
        SchedulerContext ctx = new SchedulerContext(spec.name(), spec.objectives(), List::of, spec.scheduler().config(),
                spec.space(), spec.fidelity(), 0, new SchedulerMemory());
        try {
            pluginCalls.call("scheduler " + spec.scheduler().name(), () -> {
                scheduler.get().service().validate(ctx);
                return null;
            }, spec.schedulerTimeoutMillis());
        } catch (UnsuitableStudyException e) {
            String field = e.field() == null || e.field().isEmpty() ? "scheduler.config"
                    : e.field().startsWith("config") ? "scheduler." + e.field() : e.field();
            throw EngineException.invalid(field, e.getMessage() + " (scheduler '" + spec.scheduler().name() + "')");
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("scheduler.config", e.getMessage() + " (scheduler '" + spec.scheduler().name() + "')");
        } catch (Exception e) {
            throw EngineException.invalid("scheduler", "scheduler " + scheduler.get().label()
                    + " could not check the study: " + e);
        }
    }

    private static void validatePluginRef(String field, PluginRef ref) {
        if (ref == null || ref.name() == null || ref.name().isBlank()) {
            throw EngineException.invalid(field + ".name", "must not be empty");
        }
        if (!ref.versionRange().isEmpty()) {
            try {
                org.osgi.framework.VersionRange.valueOf(ref.versionRange());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid(field + ".version_range", "'" + ref.versionRange()
                        + "' is not an OSGi version range such as [1.0,2) or 1.2");
            }
        }
    }

    private static String rangeText(PluginRef ref) {
        return ref.versionRange().isEmpty() ? "" : " in version range " + ref.versionRange();
    }

    private List<String> loadedNames(String kind) {
        List<String> names = new ArrayList<>(pluginCalls.plugins().list().stream().filter(p -> p.kind().equals(kind))
                .map(PluginInfo::name).distinct().sorted().toList());
        if (kind.equals("scheduler")) {
            names.add(0, PluginCalls.NO_SCHEDULER);
        }
        return names;
    }
}
