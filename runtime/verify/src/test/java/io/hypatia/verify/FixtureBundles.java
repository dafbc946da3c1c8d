package io.hypatia.verify;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import io.hypatia.api.PluginProperties;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds the plugin fixtures of {@code src/test/fixtures/<name>} at test time, as a vendor's
 * build would: javac against the API and the DS annotations, then bnd (Declarative Services
 * XML, Import-Package with version ranges from the API's package versions).
 */
final class FixtureBundles {
    private FixtureBundles() {
    }

    /**
     * @param extra extra bnd instructions, e.g. an Import-Package that asks for a newer API
     */
    static Path build(String name, Path workDir, Map<String, String> extra) throws Exception {
        Path sources = Path.of("src/test/fixtures", name);
        Path classes = Files.createDirectories(workDir.resolve(name + "-classes"));
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new java.util.ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path")));
        args.addAll(files);
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("fixture " + name + " does not compile");
        }
        Path jar = workDir.resolve(name + ".jar");
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", "fixture." + name);
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("Private-Package", "fixture." + name);
            extra.forEach(b::setProperty);
            b.addClasspath(classes.toFile());
            b.addClasspath(apiLocation());
            Jar built = b.build();
            if (!b.getErrors().isEmpty()) {
                throw new IllegalStateException("bnd could not build fixture " + name + ": " + b.getErrors());
            }
            built.write(jar.toFile());
        }
        return jar;
    }

    private static File apiLocation() throws Exception {
        return new File(PluginProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
