package io.titan.jenkins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * What titanDeploy's scenarios share: the canned CLI ({@link FakeCli}) answering for a fake engine
 * ({@link FakeRelease}, one host unless a test says otherwise), the job and build a release is named
 * after, and helpers to read what ran.
 */
abstract class TitanDeployBase extends PipelineTestBase {

    /** The call's name by default: the base name of titan.yaml. */
    static final String NAME = "titan";
    /** The release's name on every host: the job, the build number and the call. */
    static final String RELEASE = "titan-services-main-42-titan";

    FakeCli cli;
    FakeRelease release;

    TitanDeployBase(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli(this);
        release = FakeRelease.oneHost();
        cli.release = release;
        sh = cli;
        env.put("JOB_NAME", "titan-services/main");
        env.put("BUILD_NUMBER", "42");
        write("titan.yaml", "services: {}\n");
    }

    static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String stage(String call, String subject, String result) {
        return call + ": " + subject + "=" + result;
    }

    /** Each CLI run as its command words: {@code plan}, {@code release begin}, {@code release service titan-brain}. */
    List<String> commands() {
        return cli.runs.stream().map(run -> {
            if (run.get(0).equals("release")) {
                return String.join(" ", run.subList(0, List.of("service", "soak").contains(run.get(1)) ? 3 : 2))
                        + (run.contains("--host") ? " @" + run.get(run.indexOf("--host") + 1) : "");
            }
            return run.get(0) + (run.contains("--diff") ? " --diff" : "")
                    + (run.contains("--host") ? " @" + run.get(run.indexOf("--host") + 1) : "");
        }).toList();
    }

    /** The only CLI run whose command words are {@code command} (as {@link #commands()} has them). */
    List<String> run(String command) {
        List<String> commands = commands();
        int at = commands.indexOf(command);
        if (at < 0 || commands.lastIndexOf(command) != at) {
            throw new AssertionError("not exactly one run of " + command + ": " + commands);
        }
        return cli.runs.get(at);
    }
}
