package io.hypatia.engine.osgi;

import io.hypatia.api.PluginProperties;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudyInfo;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.VersionRange;

/**
 * The deploy watcher's {@link DeployWatcher#setPinned pin} test: a superseded bundle is kept
 * while some study's sampler or scheduler names one of its plugins with a version range that
 * includes the bundle's version. Studies without a range follow the newest version, so they
 * never pin an old one.
 */
public final class StudyPins implements Predicate<Bundle> {
    private final Supplier<StudyEngine> engine;

    /** @param engine the engine, or null while it is not started yet (then every bundle is pinned) */
    public StudyPins(Supplier<StudyEngine> engine) {
        this.engine = engine;
    }

    @Override
    public boolean test(Bundle bundle) {
        StudyEngine e = engine.get();
        if (e == null) {
            return true; // studies are not loaded yet: drain nothing
        }
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        if (refs == null) {
            return false;
        }
        List<StudyInfo> studies = e.listStudies();
        for (ServiceReference<?> ref : refs) {
            Object name = ref.getProperty(PluginProperties.NAME);
            for (StudyInfo study : studies) {
                for (PluginRef p : List.of(study.spec().sampler(), study.spec().scheduler())) {
                    if (p.name().equals(name) && !p.versionRange().isEmpty()
                            && VersionRange.valueOf(p.versionRange()).includes(bundle.getVersion())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
