package io.hypatia.api.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import io.hypatia.api.sampler.Sampler;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Semantic versioning of the plugin API, enforced on every build: each exported package of the
 * API just built is compared (bnd's baselining, the same code as bnd-baseline-maven-plugin)
 * with the reference jar in {@code reference/}, and the build fails when a package changed more
 * than its {@code @Version} says, e.g. a method removed or one added to a {@code @ConsumerType}
 * interface without a major bump, or a package was removed.
 *
 * <p>The reference is the API as first published (before any release artifact exists, so the
 * Maven plugin has nothing to compare with); replace it with the released jar at each release.
 * The last two tests show the check failing on deliberately incompatible scratch copies.
 */
class ApiBaselineTest {

    private static Jar reference() throws Exception {
        return new Jar(new File(System.getProperty("hypatia.api.reference")));
    }

    /** The API as built in this reactor: its jar, or its classes folder with bnd's manifest. */
    private static Jar built() throws Exception {
        return new Jar(new File(Sampler.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }

    /** One line per package whose version is too low for its change (empty when all is well). */
    static List<String> problems(Jar newer, Jar older) throws Exception {
        try (Processor reporter = new Processor()) {
            Set<Baseline.Info> infos = new Baseline(reporter, new DiffPluginImpl()).baseline(newer, older, null);
            List<String> out = new ArrayList<>();
            for (Baseline.Info i : new TreeSet<>(infos.stream().map(i -> i.packageName).collect(Collectors.toSet()))
                    .stream().map(n -> infos.stream().filter(i -> i.packageName.equals(n)).findFirst().orElseThrow()).toList()) {
                if (i.mismatch) {
                    out.add(i.packageName + " " + i.olderVersion + " -> " + i.newerVersion + ": " + i.packageDiff.getDelta()
                            + " change, needs at least " + i.suggestedVersion + " (" + i.reason.trim().replace('\n', ' ') + ")");
                } else if (i.newerVersion == null || i.packageDiff.getDelta() == aQute.bnd.service.diff.Delta.REMOVED) {
                    out.add(i.packageName + " " + i.olderVersion + " was removed: an incompatible change for every plugin importing it");
                }
            }
            return out;
        }
    }

    @Test
    void everyApiPackageIsVersionedForWhatChangedSinceTheReference() throws Exception {
        try (Jar older = reference(); Jar newer = built()) {
            List<String> problems = problems(newer, older);
            assertTrue(problems.isEmpty(), "exported API packages changed more than their @Version says; raise the"
                    + " version in package-info.java as suggested (a major bump breaks every plugin importing the"
                    + " package):\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void aRemovedClassWithoutAMajorBumpFails() throws Exception {
        try (Jar older = reference(); Jar scratch = built()) {
            // A scratch copy of the API with an incompatible change: Config is gone, the version is not raised.
            scratch.remove("io/hypatia/api/space/Config.class");
            List<String> problems = problems(scratch, older);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("io.hypatia.api.space "), problems.get(0));
            assertTrue(problems.get(0).contains("MAJOR change, needs at least 2.0.0"), problems.get(0));
        }
    }

    @Test
    void aClassAddedWithoutAMinorBumpFails() throws Exception {
        try (Jar older = reference(); Jar scratch = reference(); Jar newer = built()) {
            // A scratch copy of the reference with one class added to io.hypatia.api.sampler and its
            // package version left as it was: an addition needs at least a minor bump.
            String added = "io/hypatia/api/sampler/SearchSpaceExhaustedException.class";
            assertTrue(older.getResource(added) == null, "the reference predates " + added);
            scratch.putResource(added, newer.getResource(added));
            List<String> problems = problems(scratch, older);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("io.hypatia.api.sampler 1.1.0 -> 1.1.0: MINOR change, needs at least 1.2.0"),
                    problems.get(0));
        }
    }
}
