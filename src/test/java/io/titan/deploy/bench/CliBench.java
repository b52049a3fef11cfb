package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 6: {@code bin/titan-deploy plan --root examples/stand-in-root} as a whole process under
 * {@code /usr/bin/time -v}: wall time and peak RSS, as every Jenkins step pays them.
 */
final class CliBench {

    static final int RUNS = 10;
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    private final Results results;
    private final Path work;

    CliBench(Results results, Path work) {
        this.results = results;
        this.work = work;
    }

    record Sample(double wallMs, long rssKb) {
    }

    void run() throws Exception {
        String scenario = "6 CLI start-up (plan)";
        Path launcher = Sandbox.PROJECT.resolve("bin/titan-deploy");
        List<String> plan = List.of(launcher.toString(), "plan", "--root", "examples/stand-in-root");
        Map<String, Object> detail = new LinkedHashMap<>();

        List<Sample> plain = samples(plan, Map.of());
        double plainMs = Results.median(plain.stream().map(Sample::wallMs).toList());
        long plainRss = medianRss(plain);
        // Issue 11: Jenkins will run the CLI once per service (issue 7 asked for < 600 ms).
        results.target(scenario, "bin/titan-deploy plan, median of " + RUNS, Results.round(plainMs, 0), "ms", "<= 300",
                plainMs <= 300);
        results.info(scenario, "peak RSS, median", plainRss / 1024, "MiB");
        detail.put("launcher", plain);

        // AppCDS (JDK 17): dump the classes one run loads, then map them on later runs.
        Path archive = work.resolve("titan-deploy-bench.jsa");
        Files.deleteIfExists(archive);
        exec(plan, Map.of("TITAN_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + archive));
        if (Files.isRegularFile(archive)) {
            List<Sample> cds = samples(plan, Map.of("TITAN_JAVA_OPTS", "-XX:SharedArchiveFile=" + archive));
            double cdsMs = Results.median(cds.stream().map(Sample::wallMs).toList());
            results.info(scenario, "with AppCDS archive, median", Results.round(cdsMs, 0), "ms");
            results.info(scenario, "with AppCDS: peak RSS, median", medianRss(cds) / 1024, "MiB");
            results.info(scenario, "AppCDS / launcher", Results.round(cdsMs / plainMs, 2), "x");
            detail.put("appCds", cds);
        }

        // The floor: the same JVM flags printing its version, no application code.
        List<Sample> floor = samples(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-version"), Map.of());
        double floorMs = Results.median(floor.stream().map(Sample::wallMs).toList());
        results.info(scenario, "floor: java -version, same flags", Results.round(floorMs, 0), "ms");
        detail.put("javaVersionFloor", floor);
        results.detail("cli", detail);
    }

    private List<Sample> samples(List<String> command, Map<String, String> env) throws Exception {
        exec(command, env);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            samples.add(exec(command, env));
        }
        return samples;
    }

    private static long medianRss(List<Sample> samples) {
        return (long) Results.median(samples.stream().map(s -> (double) s.rssKb()).toList());
    }

    private Sample exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path timeOut = work.resolve("time.txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeOut.toString()));
        timed.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(timed).directory(Sandbox.PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("cli.out").toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + Files.readString(work.resolve("cli.out")));
        }
        double ms = (System.nanoTime() - start) / 1e6;
        Matcher m = RSS.matcher(Files.readString(timeOut));
        return new Sample(Results.round(ms, 1), m.find() ? Long.parseLong(m.group(1)) : -1);
    }
}
