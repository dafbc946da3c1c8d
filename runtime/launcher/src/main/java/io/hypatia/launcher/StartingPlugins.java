package io.hypatia.launcher;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.engine.EngineException;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.Plugins;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The plugins while the OSGi framework is still starting in the background: the gateway answers
 * calls that need no plugin at once (GetStudy, ListTrials, Tell ...), and a call that needs one
 * (Ask, Report, CreateStudy, ListPlugins) waits for the framework, at most the plugin wait time
 * ({@code serve --plugin-wait-ms}), as an ask waits for a sampler during a swap. If the framework
 * is still not up by then, the call answers UNAVAILABLE (retry later) rather than using a
 * fallback or saying the plugin does not exist; if the framework failed to start it answers
 * UNAVAILABLE with the reason. Once started, every call goes straight to the real plugins.
 */
final class StartingPlugins implements Plugins {
    private final CompletableFuture<? extends Plugins> started;
    private final LongSupplier waitMillis;
    private final long since = System.nanoTime();
    private volatile Plugins ready;

    /**
     * @param started    completes with the plugins once the framework and the deploy folder's bundles are started
     * @param waitMillis how long a call that needs a plugin waits for them (read on each call)
     */
    StartingPlugins(CompletableFuture<? extends Plugins> started, LongSupplier waitMillis) {
        this.started = started;
        this.waitMillis = waitMillis;
        started.thenAccept(p -> ready = p);
    }

    /** The started plugins, waiting for them at most the plugin wait time; UNAVAILABLE when they are not there by then. */
    private Plugins plugins() {
        Plugins p = ready;
        if (p != null) {
            return p;
        }
        try {
            return started.get(waitMillis.getAsLong(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the plugins are still starting (the service started "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms ago); retry in a moment");
        } catch (ExecutionException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the plugin framework failed to start: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "interrupted while the plugins were starting");
        }
    }

    private <T> T call(Function<Plugins, T> body) {
        return body.apply(plugins());
    }

    @Override
    public Optional<Resolved<Sampler>> sampler(String name, String versionRange) {
        return call(p -> p.sampler(name, versionRange));
    }

    @Override
    public Optional<Resolved<Scheduler>> scheduler(String name, String versionRange) {
        return call(p -> p.scheduler(name, versionRange));
    }

    @Override
    public Optional<Resolved<Benchmark>> benchmark(String name, String versionRange) {
        return call(p -> p.benchmark(name, versionRange));
    }

    @Override
    public List<PluginInfo> list() {
        return call(Plugins::list);
    }

    /** True while the framework is starting (a plugin may be absent for a moment), then the deploy watcher's answer. */
    @Override
    public boolean swapInProgress() {
        Plugins p = ready;
        return p == null ? !started.isDone() : p.swapInProgress();
    }

    @Override
    public List<PluginInfo> install(String fileName, byte[] jar) {
        return call(p -> p.install(fileName, jar));
    }

    @Override
    public void uninstall(String fileName) {
        call(p -> {
            p.uninstall(fileName);
            return null;
        });
    }

    @Override
    public List<PluginInfo> jars() {
        return call(Plugins::jars);
    }
}
