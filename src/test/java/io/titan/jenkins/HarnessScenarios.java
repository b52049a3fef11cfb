package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
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
        long started = System.nanoTime();

        runScript("src/test/resources/jenkinsfiles/abort.jenkinsfile");
        long tookMs = (System.nanoTime() - abort.sigtermAt()) / 1_000_000;

        assertThat(abort.line()).isEqualTo("working on agent-1");
        assertThat(lastError).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly("Work=ABORTED", "After=NOT_BUILT");
        assertThat(logText()).contains("Sending interrupt signal to process", "post aborted ran")
                .doesNotContain("post failure ran", "never");
        // SIGTERM first (the script ignores it), SIGKILL to whatever was left 5 s later, then the step throws.
        assertThat(workspace.resolve("signals.txt")).content().contains("TERM ignored");
        assertThat(tookMs).isBetween(RealSh.SOFT_KILL_WAIT_MS, RealSh.SOFT_KILL_WAIT_MS + 3_000);
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
        assertThat(System.nanoTime() - started).isPositive();
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
}
