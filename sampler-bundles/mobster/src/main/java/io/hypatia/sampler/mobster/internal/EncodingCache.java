package io.hypatia.sampler.mobster.internal;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The feature vectors of the trials' configurations, kept between asks: every ask reads every
 * trial, a configuration never changes, and encoding them all again was about a tenth of an ask
 * in a long study. A cache only: an entry is used for the very {@link Config} object it was made
 * from (the engine hands the same one at every ask; any other object is encoded afresh), in a
 * study with an equal search space, so a hit gives exactly what encoding gives. Safe to share
 * between threads without locks: entries are immutable, and a lost update only costs an encoding.
 * The arrays handed out are shared and must not be modified.
 */
final class EncodingCache {
    private static final int STUDIES = 16;

    private record Entry(Config config, double[] features) {
    }

    private static final class Study {
        final SearchSpace space;
        volatile Entry[] byNumber = new Entry[64];

        Study(SearchSpace space) {
            this.space = space;
        }

        double[] features(Trial t, SpaceEncoding enc) {
            int k = t.number();
            Entry[] entries = byNumber;
            if (k >= 0 && k < entries.length) {
                Entry e = entries[k];
                if (e != null && e.config == t.config()) {
                    return e.features;
                }
            }
            double[] x = enc.encode(t.config());
            if (k >= 0) {
                if (k >= entries.length) {
                    entries = Arrays.copyOf(entries, Math.max(k + 1, 2 * entries.length));
                }
                entries[k] = new Entry(t.config(), x);
                byNumber = entries;
            }
            return x;
        }
    }

    private final Map<String, Study> studies = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Study> eldest) {
            return size() > STUDIES;
        }
    };

    /** A trial's feature vector under {@code enc}, the encoding of {@code space}, in study {@code study}. */
    Function<Trial, double[]> forStudy(String study, SearchSpace space, SpaceEncoding enc) {
        Study s;
        synchronized (studies) {
            s = studies.get(study);
            if (s == null || (s.space != space && !s.space.equals(space))) {
                s = new Study(space);
                studies.put(study, s);
            }
        }
        Study found = s;
        return t -> found.features(t, enc);
    }
}
