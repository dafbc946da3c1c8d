package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.TrialInfo;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CategoricalDomain;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Decision;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.Value;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard and /metrics of a real service (Felix, store, gRPC, Javalin) with a real study
 * in progress, driven through the gRPC API: a median-stopping study with reported learning
 * curves, pruned, failed, complete and one still running trial.
 *
 * <p>The browser test drives Debian's headless {@code chromium} through {@code chromedriver}
 * (Selenium) and is skipped with a message when they are not installed; {@code .ci/run}
 * installs them. Every wait is for a condition on the page, with a generous bound.
 * Screenshots go to {@code target/screenshots}.
 */
public class DashboardIT {
    private static final String STUDY = "dashboard-demo";
    private static final String OTHER = "other-study";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ServiceFixture service;
    private static final Map<String, Integer> rpcs = new HashMap<>();

    @BeforeClass
    public static void startServiceWithStudy() throws Exception {
        service = ServiceFixture.startWithDashboard();
        createStudy(STUDY, "median");
        createStudy(OTHER, "");
        // 30 trials of a 5-step learning curve each; the median rule prunes the poor ones once 5 completed.
        for (int i = 0; i < 30; i++) {
            Trial t = ask(STUDY);
            if (i % 10 == 9) {
                tell(t, TellRequest.newBuilder().setFailed(TellRequest.Failed.newBuilder().setReason("out of memory")));
                continue;
            }
            double target = objective(t);
            boolean stopped = false;
            for (int step = 1; step <= 5 && !stopped; step++) {
                stopped = report(t, step, target + 4.0 / step) == Decision.STOP;
            }
            if (!stopped) { // a stopped trial is PRUNED by the engine
                tell(t, TellRequest.newBuilder().setComplete(TellRequest.Complete.newBuilder().addValues(target)));
            }
        }
        Trial running = ask(STUDY); // in progress: one report (within the warm-up, so never stopped), no tell
        report(running, 1, objective(running) + 4.0);
        for (int i = 0; i < 3; i++) {
            Trial t = ask(OTHER);
            tell(t, TellRequest.newBuilder().setComplete(TellRequest.Complete.newBuilder().addValues(objective(t))));
        }
        try {
            service.stub().getStudy(GetStudyRequest.newBuilder().setStudy("no-such-study").build());
            fail("expected NOT_FOUND");
        } catch (StatusRuntimeException e) {
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        }
    }

    @AfterClass
    public static void stop() throws IOException {
        if (service != null) {
            service.close();
        }
    }

    // ---------------------------------------------------------------- metrics

    @Test
    public void metricsReportTheStudyRpcsAndJvm() throws Exception {
        String text = get("/metrics");
        Map<String, Double> m = parse(text);
        String svc = "hypatia.v1.HypatiaService";
        // Every RPC this class made is counted once, by method and status code.
        for (String method : List.of("CreateStudy", "Ask", "Report", "Tell")) {
            assertEquals(method, (double) rpcs.get(method),
                    m.get("hypatia_rpc_duration_seconds_count{code=\"OK\",method=\"" + method + "\",service=\"" + svc + "\"}"), 0);
        }
        assertEquals(1.0, m.get("hypatia_rpc_duration_seconds_count{code=\"NOT_FOUND\",method=\"GetStudy\",service=\"" + svc + "\"}"), 0);
        double askSum = m.get("hypatia_rpc_duration_seconds_sum{code=\"OK\",method=\"Ask\",service=\"" + svc + "\"}");
        assertTrue("Ask latency sum " + askSum, askSum > 0);
        assertEquals("the +Inf bucket holds every call", (double) rpcs.get("Ask"),
                m.get("hypatia_rpc_duration_seconds_bucket{code=\"OK\",method=\"Ask\",service=\"" + svc + "\",le=\"+Inf\"}"), 0);

        // Trials by state, per study and in total, equal what the engine holds.
        for (TrialState state : TrialState.values()) {
            int demo = service.engine().listTrials(STUDY, Set.of(state)).size();
            int other = service.engine().listTrials(OTHER, Set.of(state)).size();
            assertEquals(state.name(), demo, m.get("hypatia_study_trials{state=\"" + state + "\",study=\"" + STUDY + "\"}"), 0);
            assertEquals(state.name(), demo + other, m.get("hypatia_trials{state=\"" + state + "\"}"), 0);
        }
        assertTrue("the study has pruned trials", service.engine().listTrials(STUDY, Set.of(TrialState.PRUNED)).size() > 0);
        assertEquals(2.0, m.get("hypatia_studies"), 0);
        assertEquals(0.0, m.get("hypatia_study_plugin_fallbacks{study=\"" + STUDY + "\"}"), 0);
        // Plugin calls through the engine's listener: one suggest per ask, one onReport per report.
        assertEquals((double) rpcs.get("Ask"), m.get("hypatia_plugin_call_duration_seconds_count"
                + "{kind=\"sampler\",operation=\"suggest\",outcome=\"ok\",plugin=\"random\"}"), 0);
        assertEquals((double) rpcs.get("Report"), m.get("hypatia_plugin_call_duration_seconds_count"
                + "{kind=\"scheduler\",operation=\"onReport\",outcome=\"ok\",plugin=\"median\"}"), 0);
        // Group commits: every acknowledged change went through one, each carrying at least one change.
        double commits = m.get("hypatia_store_commit_duration_seconds_count");
        double changes = m.get("hypatia_store_commit_batch_size_sum");
        assertEquals(commits, m.get("hypatia_store_commit_batch_size_count"), 0);
        int writes = rpcs.get("CreateStudy") + rpcs.get("Ask") + rpcs.get("Report") + rpcs.get("Tell");
        assertTrue(commits + " commits carrying " + changes + " changes for " + writes + " writing RPCs",
                commits >= 1 && changes >= commits && changes >= writes);
        // JVM metrics from the client library's instrumentation.
        assertTrue(m.get("jvm_threads_current") > 0);
        assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\"")));
    }

    @Test
    public void apiNamesTheBadParameter() throws Exception {
        HttpResponse<String> r = request("/api/studies/" + STUDY + "/trials?state=DONE");
        assertEquals(400, r.statusCode());
        assertTrue(r.body(), r.body().contains("\"field\":\"state\""));
        assertTrue(r.body(), r.body().contains("unknown trial state 'DONE'"));
        assertEquals(404, request("/api/studies/no-such-study").statusCode());
        HttpResponse<String> csv = request("/api/studies/" + STUDY + "/trials.csv?state=COMPLETE");
        assertEquals(200, csv.statusCode());
        int complete = service.engine().listTrials(STUDY, Set.of(TrialState.COMPLETE)).size();
        assertEquals("header + one line per complete trial", complete + 1, csv.body().split("\n").length);
        assertTrue(csv.body().startsWith("number,state,loss,param_x1,param_x2,param_kind,"));
    }

    // ---------------------------------------------------------------- browser

    @Test
    public void pagesChartsTableAndLiveUpdateInChromium() throws Exception {
        Assume.assumeTrue("SKIPPED: DashboardIT's browser test needs Debian's chromium and chromium-driver ("
                + CHROMIUM + ", " + CHROMEDRIVER + "); install them with `apt-get install chromium chromium-driver` (.ci/run does)",
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER));
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        WebDriver driver = chromium();
        try {
            // The page re-renders while we look (that is the live update): a row read mid-render is read again.
            WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
            wait.ignoring(StaleElementReferenceException.class);
            String base = "http://127.0.0.1:" + service.server().httpPort();

            // Studies: both listed, with the engine's counts; the filter narrows the list.
            driver.get(base + "/");
            wait.until(d -> rows(d, "#studies tbody tr").size() == 2);
            WebElement row = driver.findElement(By.cssSelector("#studies tbody tr[data-study='" + STUDY + "']"));
            assertEquals(String.valueOf(service.engine().listTrials(STUDY, Set.of()).size()),
                    row.findElements(By.tagName("td")).get(1).getText());
            assertTrue(row.getText().contains("median@"));
            screenshot(driver, shots.resolve("studies.png"));
            driver.findElement(By.id("filter")).sendKeys("dashboard");
            wait.until(d -> rows(d, "#studies tbody tr").size() == 1);
            assertNoConsoleErrors(driver, "studies page");

            // A study: every chart shows one point per complete trial.
            driver.get(base + "/study.html?name=" + STUDY);
            wait.until(d -> "running 1".equals(text(d, "#summary span[data-state='RUNNING']")));
            int complete = count(TrialState.COMPLETE);
            int reported = (int) service.engine().listTrials(STUDY, Set.of()).stream()
                    .filter(t -> !t.trial().intermediates().isEmpty()).count();
            for (String chart : List.of("history", "history-time", "parcoords", "slice-0", "slice-1", "slice-2")) {
                wait.until(d -> String.valueOf(complete).equals(attribute(d, "#" + chart, "data-points")));
            }
            wait.until(d -> String.valueOf(reported).equals(attribute(d, "#curves", "data-points")));
            assertEquals(complete, ((Number) js(driver, "return window.hypatia.charts['history'].plot.data[1].length")).intValue());
            assertEquals(complete, ((Number) js(driver, "return window.hypatia.charts['parcoords'].plot.getOption().series[0].data.length")).intValue());
            String note = driver.findElement(By.id("curves-note")).getText();
            assertTrue(note, note.contains(count(TrialState.PRUNED) + " stop"));
            screenshot(driver, shots.resolve("study.png"));

            // The table pages and filters on the server.
            List<Integer> newestFirst = service.engine().listTrials(STUDY, Set.of()).stream()
                    .map(t -> t.trial().number()).sorted((a, b) -> b - a).toList();
            new Select(driver.findElement(By.id("page-size"))).selectByVisibleText("10");
            wait.until(d -> rows(d, "#trials tbody tr").size() == 10);
            assertEquals(String.valueOf(newestFirst.size()), attribute(driver, "#page-info", "data-total"));
            assertEquals(String.valueOf(newestFirst.get(0)), rows(driver, "#trials tbody tr").get(0).getAttribute("data-number"));
            driver.findElement(By.id("next-page")).click();
            wait.until(d -> String.valueOf(newestFirst.get(10)).equals(rows(d, "#trials tbody tr").get(0).getAttribute("data-number")));
            new Select(driver.findElement(By.id("state-filter"))).selectByVisibleText("PRUNED");
            int pruned = count(TrialState.PRUNED);
            wait.until(d -> String.valueOf(pruned).equals(attribute(d, "#page-info", "data-total")));
            wait.until(d -> rows(d, "#trials tbody tr").size() == Math.min(10, pruned)
                    && rows(d, "#trials tbody tr").stream().allMatch(r -> "PRUNED".equals(r.getAttribute("data-state"))));
            new Select(driver.findElement(By.id("state-filter"))).selectByVisibleText("all");
            wait.until(d -> String.valueOf(newestFirst.size()).equals(attribute(d, "#page-info", "data-total")));

            // Live: a trial finished through the API appears without reloading the page.
            Trial next = ask(STUDY);
            tell(next, TellRequest.newBuilder().setComplete(TellRequest.Complete.newBuilder().addValues(objective(next))));
            wait.until(d -> String.valueOf(next.getNumber()).equals(rows(d, "#trials tbody tr").get(0).getAttribute("data-number")));
            wait.until(d -> String.valueOf(complete + 1).equals(attribute(d, "#history", "data-points")));
            assertNoConsoleErrors(driver, "study page");

            // Plugins: one row per loaded plugin, with the settings each declares.
            driver.get(base + "/plugins.html");
            int plugins = service.engine().listPlugins().size();
            wait.until(d -> rows(d, "#plugins tbody tr").size() == plugins);
            var tpe = service.engine().listPlugins().stream().filter(p -> p.kind().equals("sampler") && p.name().equals("tpe"))
                    .findFirst().orElseThrow();
            assertEquals(String.valueOf(tpe.settings().size()), attribute(driver, "tr[data-plugin='sampler/tpe'] td.settings", "data-settings"));
            assertTrue(tpe.settings().size() > 0);
            String nStartup = text(driver, "tr[data-plugin='sampler/tpe'] li[data-setting='n_startup_trials']");
            assertTrue(nStartup, nStartup != null && nStartup.startsWith("n_startup_trials int"));
            screenshot(driver, shots.resolve("plugins.png"));
            assertNoConsoleErrors(driver, "plugins page");

            // Three objectives: the Pareto front on each pair of objectives, its trials highlighted.
            String mo = "pareto-3";
            service.stub().createStudy(CreateStudyRequest.newBuilder().setName(mo)
                    .setSearchSpace(SearchSpace.newBuilder()
                            .addParams(Parameter.newBuilder().setName("x1").setFloat(FloatDomain.newBuilder().setLow(-5).setHigh(10)))
                            .addParams(Parameter.newBuilder().setName("x2").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(15))))
                    .addObjectives(Objective.newBuilder().setName("f1").setDirection(Direction.MINIMIZE))
                    .addObjectives(Objective.newBuilder().setName("f2").setDirection(Direction.MINIMIZE))
                    .addObjectives(Objective.newBuilder().setName("f3").setDirection(Direction.MAXIMIZE))
                    .setSampler(PluginSelection.newBuilder().setName("random").putConfig("seed", "11")).build());
            rpcs.merge("CreateStudy", 1, Integer::sum);
            try {
                for (int i = 0; i < 40; i++) {
                    Trial t = ask(mo);
                    double x1 = TrialValues.number(t, "x1");
                    double x2 = TrialValues.number(t, "x2");
                    tell(t, TellRequest.newBuilder().setComplete(TellRequest.Complete.newBuilder()
                            .addValues(x1 + 5).addValues(x2).addValues(-Math.abs(x1 - x2))));
                }
                int front = service.engine().bestTrials(mo).size();
                driver.get(base + "/study.html?name=" + mo);
                for (String pair : List.of("pareto-0-1", "pareto-0-2", "pareto-1-2")) {
                    wait.until(d -> "40".equals(attribute(d, "#" + pair, "data-points"))
                            && String.valueOf(front).equals(attribute(d, "#" + pair, "data-front-points")));
                }
                assertEquals("3", attribute(driver, "#pareto", "data-objectives"));
                assertTrue(text(driver, "#pareto-note"), text(driver, "#pareto-note").startsWith(front + " trials are non-dominated over all 3"));
                screenshot(driver, shots.resolve("study-pareto-3.png"));
                assertNoConsoleErrors(driver, "3-objective study page");
            } finally {
                service.engine().deleteStudy(mo);
            }
        } finally {
            driver.quit();
        }
    }

    // ---------------------------------------------------------------- load time

    /**
     * Page load time of a large study, measured (never asserted): run with
     * {@code -Dhypatia.it.dashboard.trials=10000}. Creates the study in-process through the
     * engine, then times the study page in chromium from navigation until the first paint
     * (summary and first table page), the charts (a server-side sample of at most about 1,000
     * complete trials, see ChartSample) and the learning curves are shown; and the service's CPU
     * time during the load and per JSON request (the service runs in this JVM: process CPU time,
     * which includes this test's own polling of the browser). Prints the figures and appends them
     * to {@code target/dashboard-load.csv}. {@code bench/quiet/dashboard.sh} measures the same on a
     * started distribution.
     */
    @Test
    public void largeStudyPageLoadTime() throws Exception {
        int n = Integer.getInteger("hypatia.it.dashboard.trials", 0);
        Assume.assumeTrue("SKIPPED: the page-load measurement runs only with -Dhypatia.it.dashboard.trials=N (e.g. 10000)", n > 0);
        Assume.assumeTrue("SKIPPED: needs chromium and chromium-driver", Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER));
        String name = "load-" + n;
        LoadStudy.create(service.engine(), name, n);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Map<String, String> api = new java.util.LinkedHashMap<>();
        for (String path : List.of("/api/studies", "/api/studies/" + name, "/api/studies/" + name + "/series?max=1000",
                "/api/studies/" + name + "/trials?limit=50&order=desc", "/api/studies/" + name + "/curves",
                "/api/studies/" + name + "/series")) {
            request(path); // warm up the JIT on this path once
            int reps = 5;
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            HttpResponse<String> r = null;
            for (int i = 0; i < reps; i++) {
                r = request(path);
            }
            api.put(path.replace(name, "NAME") + " (" + r.body().length() / 1024 + " KiB)", (System.nanoTime() - t0) / 1_000_000 / reps
                    + " ms wall, " + (os.getProcessCpuTime() - cpu0) / 1_000_000 / reps + " ms CPU");
        }
        WebDriver driver = chromium();
        try {
            for (int load = 1; load <= 3; load++) {
                driver.get("about:blank");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120), Duration.ofMillis(20));
                wait.ignoring(StaleElementReferenceException.class);
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                driver.get("http://127.0.0.1:" + service.server().httpPort() + "/study.html?name=" + name);
                String total = String.valueOf(n);
                wait.until(d -> js(d, "return window.hypatia.timings ? 1 : null") != null
                        && total.equals(attribute(d, "#history", "data-total"))
                        && total.equals(attribute(d, "#slice-0", "data-total"))
                        && rows(d, "#trials tbody tr").size() == 50);
                long wallMillis = (System.nanoTime() - t0) / 1_000_000;
                long cpuMillis = (os.getProcessCpuTime() - cpu0) / 1_000_000;
                int shown = Integer.parseInt(attribute(driver, "#history", "data-points"));
                assertTrue("the charts get a bounded sample: " + shown, shown <= 1_100 && shown == Integer.parseInt(
                        attribute(driver, "#parcoords", "data-points")));
                long firstPaint = Math.round(((Number) js(driver, "return window.hypatia.timings.firstPaintMs")).doubleValue());
                long browserMillis = Math.round(((Number) js(driver, "return window.hypatia.timings.renderedMs")).doubleValue());
                Object timings = js(driver, "return JSON.stringify(window.hypatia.timings)");
                if (load == 1) {
                    screenshot(driver, Files.createDirectories(Path.of("target", "screenshots")).resolve("study-" + n + ".png"));
                }
                System.out.println("dashboard load " + load + ", " + n + " complete trials: first paint " + firstPaint
                        + " ms, page complete (charts of " + shown + " sampled trials, curves, first table page) " + browserMillis
                        + " ms after navigation start (" + wallMillis + " ms wall clock from the test); service JVM CPU " + cpuMillis
                        + " ms; page timings " + timings + "; load average " + os.getSystemLoadAverage() + " on "
                        + Runtime.getRuntime().availableProcessors() + " cores");
                Path csv = Path.of("target", "dashboard-load.csv");
                if (!Files.exists(csv)) {
                    Files.writeString(csv, "trials,load,first_paint_ms,page_ms,wall_ms,service_cpu_ms\n");
                }
                Files.writeString(csv, n + "," + load + "," + firstPaint + "," + browserMillis + "," + wallMillis + "," + cpuMillis + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            api.forEach((k, v) -> System.out.println("  GET " + k + ": " + v));
            assertNoConsoleErrors(driver, "large study page");
        } finally {
            driver.quit();
            service.engine().deleteStudy(name);
        }
    }

    // ---------------------------------------------------------------- helpers

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,2400", "--hide-scrollbars");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(driverService, options);
    }

    private static List<WebElement> rows(WebDriver d, String css) {
        return d.findElements(By.cssSelector(css));
    }

    private static String attribute(WebDriver d, String css, String name) {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
    }

    private static String text(WebDriver d, String css) {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getText();
    }

    private static Object js(WebDriver d, String script) {
        return ((JavascriptExecutor) d).executeScript(script);
    }

    static void screenshot(WebDriver d, Path file) throws IOException {
        Path png = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void assertNoConsoleErrors(WebDriver d, String page) {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : d.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        assertTrue(page + " logged console errors: " + errors, errors.isEmpty());
    }

    private static int count(TrialState state) {
        return service.engine().listTrials(STUDY, Set.of(state)).size();
    }

    private static void createStudy(String name, String scheduler) {
        CreateStudyRequest.Builder b = CreateStudyRequest.newBuilder().setName(name)
                .setSearchSpace(SearchSpace.newBuilder()
                        .addParams(Parameter.newBuilder().setName("x1").setFloat(FloatDomain.newBuilder().setLow(-5).setHigh(10)))
                        .addParams(Parameter.newBuilder().setName("x2").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(15)))
                        .addParams(Parameter.newBuilder().setName("kind").setCategorical(CategoricalDomain.newBuilder()
                                .addChoices(Value.newBuilder().setStringValue("a"))
                                .addChoices(Value.newBuilder().setStringValue("b"))
                                .addChoices(Value.newBuilder().setStringValue("c")))))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE))
                .setSampler(PluginSelection.newBuilder().setName("random").putConfig("seed", "7"));
        if (!scheduler.isEmpty()) {
            b.setScheduler(PluginSelection.newBuilder().setName(scheduler).putConfig("min_completed", "5").putConfig("warmup_steps", "2"));
        }
        service.stub().createStudy(b.build());
        rpcs.merge("CreateStudy", 1, Integer::sum);
    }

    /** Branin plus an offset per category: a real objective with a known shape. */
    private static double objective(Trial t) {
        double x1 = TrialValues.number(t, "x1");
        double x2 = TrialValues.number(t, "x2");
        String kind = "";
        for (ParameterValue p : t.getConfigList()) {
            if (p.getName().equals("kind")) {
                kind = p.getValue().getStringValue();
            }
        }
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double branin = Math.pow(x2 - b * x1 * x1 + 5 / Math.PI * x1 - 6, 2) + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
        return branin + switch (kind) {
            case "b" -> 5;
            case "c" -> 10;
            default -> 0;
        };
    }

    private static Trial ask(String study) {
        rpcs.merge("Ask", 1, Integer::sum);
        return service.stub().ask(AskRequest.newBuilder().setStudy(study).setCount(1).setWorker("it").build()).getTrials(0).getTrial();
    }

    private static Decision report(Trial t, double step, double value) {
        rpcs.merge("Report", 1, Integer::sum);
        return service.stub().report(ReportRequest.newBuilder().setStudy(t.getStudy()).setTrialId(t.getId())
                .setStep(step).setValue(value).build()).getDecision();
    }

    private static void tell(Trial t, TellRequest.Builder outcome) {
        rpcs.merge("Tell", 1, Integer::sum);
        service.stub().tell(outcome.setStudy(t.getStudy()).setTrialId(t.getId()).build());
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> r = request(path);
        assertEquals(path, 200, r.statusCode());
        return r.body();
    }

    private static HttpResponse<String> request(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.server().httpPort() + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?) (\\S+)$");

    /** Prometheus text format samples by name and labels, as written. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                out.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return out;
    }

    static List<TrialInfo> trials(String study) {
        return service.engine().listTrials(study, Set.of());
    }
}
