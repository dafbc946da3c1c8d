package io.hypatia.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** `hypatia serve` in a child JVM, its output collected; for tests that kill or refuse the process itself. */
public final class ChildService {
    public final Process process;
    public final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();
    private final CompletableFuture<Integer> answering = new CompletableFuture<>();

    private ChildService(List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(env);
        process = builder.start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    System.out.println("[child] " + line);
                    output.add(line);
                    if (line.startsWith("hypatia: answering gRPC on ")) {
                        answering.complete(Integer.parseInt(line.replaceAll("^hypatia: answering gRPC on [^ ]*:(\\d+) .*", "$1")));
                    }
                    if (line.startsWith("hypatia: serving gRPC on ")) {
                        ready.complete(Integer.parseInt(line.replaceAll("^hypatia: serving gRPC on [^ ]*:(\\d+),.*", "$1")));
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
            ready.completeExceptionally(new IllegalStateException("the child exited before serving"));
            answering.completeExceptionally(new IllegalStateException("the child exited before answering"));
        });
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts `hypatia serve --data-dir data --deploy-dir deploy` plus {@code extra} options, with
     * the dashboard off: its default HTTP port 8080 is one fixed port that two builds on one
     * machine would both want (the child then exits before serving).
     */
    public static ChildService start(Path data, Path deploy, String... extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.hypatia.launcher.Main", "serve", "--data-dir", data.toString(),
                "--deploy-dir", deploy.toString(), "--system-dir", System.getProperty("hypatia.it.system"), "--no-dashboard"));
        cmd.addAll(List.of(extra));
        return new ChildService(cmd, Map.of());
    }

    /**
     * Starts `serve` as an operator does, through an installation's {@code bin/hypatia} (its JVM
     * options, class-data archive and caches), with {@code env} added to the environment.
     */
    public static ChildService startInstalled(Path home, Map<String, String> env, Path data, Path deploy, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin").resolve("hypatia").toString(), "serve",
                "--data-dir", data.toString(), "--deploy-dir", deploy.toString(), "--system-dir", home.resolve("system").toString(),
                "--no-dashboard"));
        cmd.addAll(List.of(extra));
        return new ChildService(cmd, env);
    }

    /** Waits for the "answering" line (the gRPC port is open; plugins may still be starting) and returns the port. */
    public int awaitAnswering() throws Exception {
        return answering.get(600, TimeUnit.SECONDS);
    }

    /**
     * Waits for the "serving" line and returns the port. A bound, not a timing assumption: a JVM
     * starting Felix took over 2 minutes on a build machine at load average 70.
     */
    public int awaitServing() throws Exception {
        return ready.get(600, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the child did not exit; output: " + output);
        }
        return process.exitValue();
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL
        process.waitFor(60, TimeUnit.SECONDS);
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
