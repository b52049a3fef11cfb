package io.titan.jenkins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The test harness's Jenkins, for {@code bench/run jenkins}: titanDeploy builds with {@code sh} running
 * for real on an agent that has the titan-deploy CLI on its PATH, branches running at once and every
 * step costing what it costs in Jenkins ({@link RealSh}'s polling, one CLI start per step). Not a test.
 */
public final class JenkinsBuild implements AutoCloseable {

    private final PipelineTestBase jenkins = new PipelineTestBase(false) {
    };
    private final Path tools;

    /**
     * A Jenkins whose build agent has the CLI of this build (bin/titan-deploy when packaged). Its JVM is
     * warm, as a running controller's is: the library was compiled once already, by another harness; each
     * build still compiles it afresh, as Jenkins does.
     */
    public JenkinsBuild() throws Exception {
        PipelineTestBase warmUp = new PipelineTestBase(false) {
        };
        warmUp.setUp();
        warmUp.loadScript("vars/titanDeploy.groovy");
        warmUp.deleteWorkspace();
        tools = RealAgent.installCli(Files.createTempDirectory("titan-bench-bin-"));
        jenkins.setUp();
        jenkins.holdNode("titan-prod-1", 1, "titan-prod");
        jenkins.sh = new RealSh(jenkins);
        jenkins.env.put("PATH", tools + ":" + System.getenv("PATH"));
        jenkins.env.put("JOB_NAME", "titan-services");
    }

    /** The build's workspace, where the topology goes. */
    public Path workspace() {
        return jenkins.workspace;
    }

    /** The CLI as the agent has it. */
    public Path cli() {
        return tools.resolve("titan-deploy");
    }

    /** Runs build {@code number} as one {@code titanDeploy(args)} call; returns the build's result. */
    public String titanDeploy(int number, Map<String, Object> args) {
        jenkins.newBuild(number);
        jenkins.runAsBuild("titanDeploy", args);
        return jenkins.buildResult();
    }

    /** Each stage run as {@code name=RESULT}. */
    public List<String> stages() {
        return jenkins.stages();
    }

    /** The last build's sh steps as lines {@code +start..end ms  label}, from {@code origin} ({@link System#nanoTime()}). */
    public List<String> shTimeline(long origin) {
        synchronized (jenkins.shRuns) {
            return jenkins.shRuns.stream().sorted(java.util.Comparator.comparingLong(PipelineTestBase.ShRun::startedAt))
                    .map(r -> String.format(java.util.Locale.ROOT, "%6d..%6d ms  %s", (r.startedAt() - origin) / 1_000_000,
                            (r.endedAt() - origin) / 1_000_000, r.label())).toList();
        }
    }

    public String log() {
        return jenkins.logText();
    }

    /** How many steps (of any kind) the last build ran, as JenkinsPipelineUnit's call stack counts them. */
    public int steps() {
        return jenkins.getHelper().getCallStack().size();
    }

    @Override
    public void close() throws Exception {
        jenkins.deleteWorkspace();
        PipelineTestBase.delete(tools);
    }
}
