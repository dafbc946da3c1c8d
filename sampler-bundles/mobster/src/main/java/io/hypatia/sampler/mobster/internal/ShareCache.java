package io.hypatia.sampler.mobster.internal;

import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Trial;
import io.hypatia.sampler.mobster.internal.ResourceData.Share;
import io.hypatia.sampler.mobster.internal.ResourceData.Shares;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each trial's {@link Share} of the observations, kept between asks: every ask reads every trial,
 * but only the running ones change, and reading every report of every trial again was a sixth of
 * MOBSTER's CPU in a long study, growing with its trials. A cache only: a share is used for the
 * very {@link Trial} snapshot it was made from (the engine hands the same immutable snapshot until
 * the trial changes; any other object is read afresh), at the same smallest step, in a study with
 * equal search space, direction and settings, so a hit gives exactly what reading the trial gives.
 * Safe to share between threads without locks, as {@link EncodingCache}: shares are immutable, and
 * a lost update only costs reading a trial again.
 */
final class ShareCache {
    private static final int STUDIES = 16;

    private static final class Study implements Shares {
        final SearchSpace space;
        final Direction direction;
        final MobsterSettings settings;
        volatile Share[] byNumber = new Share[64];

        Study(SearchSpace space, Direction direction, MobsterSettings settings) {
            this.space = space;
            this.direction = direction;
            this.settings = settings;
        }

        boolean isFor(SearchSpace space, Direction direction, MobsterSettings settings) {
            return (this.space == space || this.space.equals(space)) && this.direction == direction
                    && this.settings.equals(settings);
        }

        @Override
        public Share get(Trial t) {
            int k = t.number();
            Share[] shares = byNumber;
            if (k >= 0 && k < shares.length) {
                Share s = shares[k];
                if (s != null && s.trial() == t) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public void put(Share s) {
            int k = s.trial().number();
            if (k < 0) {
                return;
            }
            Share[] shares = byNumber;
            if (k >= shares.length) {
                shares = Arrays.copyOf(shares, Math.max(k + 1, 2 * shares.length));
            }
            shares[k] = s;
            byNumber = shares;
        }
    }

    private final Map<String, Study> studies = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Study> eldest) {
            return size() > STUDIES;
        }
    };

    /** The shares kept for study {@code study} with this space, direction and settings (a fresh store when any differs). */
    Shares forStudy(String study, SearchSpace space, Direction direction, MobsterSettings settings) {
        synchronized (studies) {
            Study s = studies.get(study);
            if (s == null || !s.isFor(space, direction, settings)) {
                s = new Study(space, direction, settings);
                studies.put(study, s);
            }
            return s;
        }
    }
}
