package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The harness itself does what Jenkins does where the steps' tests rely on it. Run plain by
 * {@link HarnessTest} and through groovy-cps by {@link HarnessCpsTest}.
 */
abstract class HarnessScenarios extends PipelineTestBase {

    private RealSh realSh;

    HarnessScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void realSh() {
        Declarative.register(this);
        realSh = new RealSh(this);
        sh = realSh;
    }

    @Test
    void keepsAResultPerStageRunWhenNamesRepeat() {
        runScript("src/test/resources/jenkinsfiles/repeated-stages.jenkinsfile");

        assertThat(stages()).containsExactly("deploy=SUCCESS", "deploy=FAILURE");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(log).containsOnlyOnce("ERROR: second run failed");
    }

    @Test
    void dirMovesShAndTheFileSteps() throws Exception {
        runScript("src/test/resources/jenkinsfiles/dir.jenkinsfile");

        Path inner = workspace.resolve("sub/inner");
        assertThat(inner.resolve("here.txt")).content().isEqualToIgnoringNewLines(inner.toString());
        assertThat(inner.resolve("written.txt")).content().isEqualTo(inner.toString());
        assertThat(workspace.resolve("top.txt")).content().isEqualToIgnoringNewLines(workspace.toString());
    }

    @Test
    void anAbortSignalsTheShLikeJenkinsAndAbortsTheBuild() throws Exception {
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.startsWith("working on"));

        runScript("src/test/resources/jenkinsfiles/abort.jenkinsfile");

        assertThat(abort.line()).isEqualTo("working on agent-1");
        assertThat(lastError).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly("Work=ABORTED", "After=NOT_BUILT");
        assertThat(logText()).contains("Sending interrupt signal to process", "post aborted ran")
                .doesNotContain("post failure ran", "never");
        // SIGTERM first (the script ignores it), SIGKILL to whatever was left after the soft-kill wait, then the
        // step throws.
        assertThat(workspace.resolve("signals.txt")).content().contains("TERM ignored");
        // Killed: a child that left the process group but carries the step's cookie, as Jenkins finds it.
        assertThat(alive(pid("child.pid"))).isFalse();
        // Spared: a process of its own session without the cookie, like a PM2 daemon started with a clean
        // environment.
        long outsider = pid("outsider.pid");
        try {
            assertThat(alive(outsider)).isTrue();
        } finally {
            ProcessHandle.of(outsider).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private long pid(String file) throws Exception {
        return Long.parseLong(Files.readString(workspace.resolve(file)).trim());
    }

    /** Alive and not a zombie (this sandbox does not reap them). */
    private static boolean alive(long pid) throws Exception {
        TimeUnit.MILLISECONDS.sleep(200);
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    private void run(String name) {
        runScript("src/test/resources/jenkinsfiles/harness/" + name + ".jenkinsfile");
    }

    @Test
    void fileStepsResolvePathsAsFilePathChildDoesSoXSlashDotIsX() {
        run("paths");

        assertThat(log).contains("file/.: true", "dir/.: true", "a/./b: true", "a/x/../b: true",
                "double slash: services: {}", "empty: true",
                "The fileExists step was called with a null or empty string, so the current directory will be "
                        + "checked instead.",
                "in dir: true at " + workspace.resolve("deploy"));
    }

    @Test
    void readFileWithoutAnEncodingDecodesInTheControllersCharset() {
        run("charset");

        // The harness's controller runs Java 17 under the POSIX locale: ASCII.
        assertThat(log).contains("default: {\"message\":\"caf\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD\"}",
                "utf-8: {\"message\":\"caf\u00e9 \u2713\"}",
                "base64: " + java.util.Base64.getEncoder().encodeToString(
                        "{\"message\":\"caf\u00e9 \u2713\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void stashTakesAntPatternsRelativeToTheStepsDirectoryAndDotSlashTakesNothing() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> run("stash"));

        Path elsewhere = Agents.jobWorkspace(agents.forLabel("elsewhere"), "null");
        assertThat(log).contains("unstashed: true in " + elsewhere);
        assertThat(thrown).isInstanceOf(PipelineAbort.class).hasMessage("No files included in stash \u2018dotted\u2019");
    }

    @Test
    void twoNodeBlocksOfTheBuildOnOneAgentAtOnceGetTwoWorkspacesAndDirTakesNoLock() {
        agents.add("builder-1", 2, "two-executors");

        run("workspaces");

        Path ws = Agents.jobWorkspace(agents.forLabel("two-executors"), "null");
        assertThat(log).contains("first in " + ws, "second in " + ws + "@2", "second moved to " + ws);
    }

    @Test
    void aNodeBlockForTheAgentTheBuildHoldsWaitsForASecondExecutor() {
        holdNode("builder-1", 1, "one-executor");
        executorWait = java.time.Duration.ofMillis(500);

        assertThatThrownBy(() -> run("nested-node")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("waited 500 ms for an executor of builder-1 (1 executor(s), all held)");
        assertThat(log).contains("Waiting for next available executor on \u2018one-executor\u2019").doesNotContain("never");
    }

    @Test
    void publishHtmlCopiesTheWholeReportDirUnlessIncludesSaysWhich() {
        run("publish");

        assertThat(published.get("all")).containsExactly("page-email.html", "page.html", "steps/brain.out",
                "titan-report.css");
        assertThat(published.get("page")).containsExactly("page.html", "titan-report.css");
    }

    @Test
    void timeoutInterruptsItsBodyAndEndsWhatStillRunsAfterTheGracePeriod() {
        timeoutGrace = java.time.Duration.ofSeconds(1);

        run("timeout");

        // First: the sh ignores SIGTERM and outlives the grace period, so the step is ended at once. The
        // interruption is no actual one once it leaves the timeout (JENKINS-51454).
        assertThat(logText()).containsSubsequence("Timeout set to expire in 1 seconds", "started",
                "Cancelling nested steps due to timeout", "Sending interrupt signal to process",
                "Body did not finish within grace period; terminating with extreme prejudice",
                "timeout ended with FlowInterruptedException: Timeout has been exceeded (actual interruption: false)");
        // Second: the body catches the interruption and finishes within the grace period; its new step runs.
        assertThat(logText()).containsSubsequence("body saw: Timeout has been exceeded",
                "the body goes on after the interruption", "second timeout: the body finished in its grace period")
                .doesNotContain("never");
    }

    @Test
    void parallelWaitsForEveryBranchThenThrowsAnErrorAheadOfAnInterruption() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> run("parallel-order"));

        // ParallelStep's comparator: the ordinary failure wins over the interruption, which is suppressed on it.
        assertThat(thrown).isInstanceOf(PipelineAbort.class).hasMessage("boom");
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(FlowInterruptedException.class);
        assertThat(log).containsSubsequence("Failed in branch interrupted", "Failed in branch failed");
    }

    @Test
    void failFastInterruptsTheBranchesStillRunningAndThrowsTheFirstFailure() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> run("parallel-failfast"));

        assertThat(thrown).isInstanceOf(PipelineAbort.class).hasMessage("boom");
        assertThat(log).contains("slow interrupted: Failed in branch quick", "Failed in branch quick",
                "Failed in branch slow");
    }

    @Test
    void branchesRunAtOnceEachShWhileTheOtherRuns() {
        run("concurrent");

        StageRun a = stageRun("a");
        StageRun b = stageRun("b");
        assertThat(b.startedAt).as("b starts before a ends").isLessThan(a.endedAt);
        assertThat(a.startedAt).as("a starts before b ends").isLessThan(b.endedAt);
    }

    @Test
    void shWithoutAShebangTracesEachCommandAndStopsAtTheFirstFailure() {
        run("sh-trace");

        assertThat(log).contains("+ echo traced", "traced", "not traced", "exit 1").doesNotContain("+ echo not traced",
                "never");
    }

    @Test
    void catchErrorLetsAnAbortThroughButCatchesALostAgent() {
        register("loseAgent", List.of(), a -> {
            throw new FlowInterruptedException("ABORTED", false,
                    new org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution.RemovedNodeCause());
        });
        realSh.interruptWhen(l -> l.equals("press stop"));

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> run("interruptions"));

        assertThat(log).contains("Agent was removed", "went on after the lost agent").doesNotContain("never");
        assertThat(thrown).isInstanceOf(FlowInterruptedException.class);
        FlowInterruptedException abort = (FlowInterruptedException) thrown;
        assertThat(abort.isActualInterruption()).isTrue();
        assertThat(abort.getCauses()).singleElement().isInstanceOf(jenkins.model.CauseOfInterruption.UserInterruption.class);
    }

    @Test
    void waitUntilRunsItsBodyAsABlockPerTryWaitingLongerEachTime() {
        run("wait-until");

        assertThat(waitUntilTries.get()).isEqualTo(3);
        assertThat(log).containsSubsequence("Will try again after 0.25 sec", "Will try again after 0.3 sec", "tries: 3");
    }
}
