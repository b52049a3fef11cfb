package io.titan.jenkins;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code sh} step for real: {@code bash -e -c script} in the workspace (Jenkins runs
 * {@code sh -xe}), with the agent's environment plus the pipeline's {@code env}; output goes to the
 * build log, or is returned with {@code returnStdout}; {@code returnStatus} returns the exit code.
 */
final class RealSh implements PipelineTestBase.ShHandler {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path workspace;
    private final List<String> log;

    RealSh(Path workspace, List<String> log) {
        this.workspace = workspace;
        this.log = log;
    }

    @Override
    public Object run(Map<String, Object> args, Map<String, Object> env) throws Exception {
        boolean returnStdout = Boolean.TRUE.equals(args.get("returnStdout"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-c", String.valueOf(args.get("script")))
                .directory(workspace.toFile());
        env.forEach((k, v) -> pb.environment().put(k, String.valueOf(v)));
        if (!returnStdout) {
            pb.redirectErrorStream(true);
        }
        if (args.get("label") != null) {
            log.add("[sh] " + args.get("label"));
        }
        Process process = pb.start();
        process.getOutputStream().close();
        StringBuilder stdout = new StringBuilder();
        Thread errors = null;
        if (returnStdout) {
            errors = new Thread(() -> pump(process, true, null), "sh-stderr");
            errors.start();
        }
        pump(process, false, returnStdout ? stdout : null);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new PipelineAbort("sh timed out after " + TIMEOUT_SECONDS + " s");
        }
        if (errors != null) {
            errors.join();
        }
        int rc = process.exitValue();
        if (returnStdout) {
            if (rc != 0 && !Boolean.TRUE.equals(args.get("returnStatus"))) {
                throw new PipelineAbort("script returned exit code " + rc);
            }
            return stdout.toString();
        }
        return rc;
    }

    private void pump(Process process, boolean stderr, StringBuilder into) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                stderr ? process.getErrorStream() : process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (into != null) {
                    into.append(line).append('\n');
                } else {
                    log.add(line);
                }
            }
        } catch (java.io.IOException e) {
            log.add("sh: " + e.getMessage());
        }
    }
}
