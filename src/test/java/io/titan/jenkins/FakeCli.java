package io.titan.jenkins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * A canned titan-deploy behind the {@code sh} step of the unit tests: it reads the quoted argument
 * list out of the script the step built, writes the canned report files the arguments name (relative
 * to the step's directory), puts stderr where the script redirects it, and returns the canned exit
 * code, or throws Jenkins' {@link FlowInterruptedException} as an aborted build does.
 */
final class FakeCli implements PipelineTestBase.ShHandler {

    private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'\"'\"')*)'");
    private static final List<String> COMMANDS = List.of("validate", "plan", "status", "release", "history");

    private volatile Path cwd;
    /** The build whose {@code sh} this is: its log, its stop button. */
    private final PipelineTestBase test;
    /** The build log the CLI's stdout goes to, as the sh step would show it. */
    private final List<String> log;
    /** Whether the release runners are gone: a step through one falls back to starting the CLI. */
    boolean runnerGone;
    /** Whether titan-deploy is on the agent's PATH: when not, running it by that name exits 127. */
    boolean onPath = true;
    final Map<String, Integer> exitCodes = new HashMap<>();
    /**
     * Release commands aborted while they run, once each ({@code release service titan-brain},
     * {@code release abort}): what the fake engine did stands, and the step throws Jenkins' interruption.
     */
    final Set<String> interrupted = new HashSet<>();
    /** Release commands during which the agent goes away (ExecutorStepExecution.RemovedNodeCause), once each. */
    final Set<String> lost = new HashSet<>();
    /** Release commands whose step fails with an ordinary error (the agent's channel broke), once each. */
    final Set<String> broken = new HashSet<>();
    /** How long commands take ({@link #key}), in milliseconds; others answer at once. */
    final Map<String, Long> delays = new java.util.concurrent.ConcurrentHashMap<>();
    /** Commands ({@link #key}) that end only once another has started (at most 10 s later): steps that overlap. */
    final Map<String, String> until = new java.util.concurrent.ConcurrentHashMap<>();
    /** Launchers (as the script quotes them) that are not on their agent: the shell answers 127. */
    final Set<String> missing = new HashSet<>();
    /** JSON written to --report (validate, status) or to the stdout redirect (plan --diff). */
    final Map<String, String> output = new HashMap<>();
    final Map<String, String> stderr = new HashMap<>();
    /** Each CLI run: its argument list after the launcher. */
    final List<List<String>> runs = new ArrayList<>();
    /** Each CLI run's launcher words, as the script has them. */
    final List<String> launchers = new ArrayList<>();
    /** Each CLI run's folder (the step's directory). */
    final List<Path> cwds = new ArrayList<>();
    /** Each CLI run's environment. */
    final List<Map<String, Object>> environments = new ArrayList<>();
    /**
     * The release commands' side ({@code plan --json}, {@code release ...}, {@code validate --host},
     * {@code history}); titanDeploy's tests set it.
     */
    FakeRelease release;

    FakeCli(PipelineTestBase test) {
        this.test = test;
        this.log = test.log;
    }

    @Override
    public Object run(Map<String, Object> args, Map<String, Object> env, Path cwd, Running step) throws Exception {
        Object result;
        Long delay;
        String other;
        synchronized (this) {
            result = runLocked(args, env, cwd);
            String key = runs.isEmpty() ? null : key(runs.get(runs.size() - 1));
            delay = key == null ? null : delays.get(key);
            other = key == null ? null : until.get(key);
        }
        if (delay != null) {
            // The command takes a while: other steps run meanwhile (the fake engine is not held up).
            step.pause(delay);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (other != null && !started(other) && System.nanoTime() < deadline) {
            step.pause(20);
        }
        return result;
    }

    private synchronized boolean started(String key) {
        return runs.stream().anyMatch(run -> key(run).equals(key));
    }

    /** {@code release service titan-brain}, {@code release soak titan-brain}, {@code release finish}, {@code plan}. */
    static String key(List<String> cli) {
        if (!cli.get(0).equals("release")) {
            return cli.get(0);
        }
        return String.join(" ", cli.subList(0, List.of("service", "soak").contains(cli.get(1)) ? 3 : 2));
    }

    private Object runLocked(Map<String, Object> args, Map<String, Object> env, Path cwd) throws Exception {
        this.cwd = cwd;
        String script = String.valueOf(args.get("script"));
        String line = script.lines().filter(l -> l.contains(" 2>'")).findFirst()
                .orElseThrow(() -> new AssertionError("no CLI call in " + script));
        if (runnerGone && line.contains("; then ")) {
            // The runner's client answered 75 (no runner): the script starts the CLI itself.
            line = "{ " + line.substring(line.indexOf("; then ") + "; then ".length());
        } else if (runnerGone && script.contains("; then ")) {
            String fallback = script.lines().filter(l -> l.startsWith("if [")).findFirst().orElseThrow();
            line = fallback.substring(fallback.indexOf("; then ") + "; then ".length());
        }
        String err;
        String stdout;
        List<String> words;
        boolean tee = line.startsWith("{ ") && line.contains("| tee '");
        if (tee) {
            // { cli args 2>'err'; echo $? >'rc'; } | tee 'out': stdout to the log and to out.
            int redirect = line.indexOf(" 2>'");
            words = words(line.substring(2, redirect));
            err = words(line.substring(redirect, line.indexOf(';', redirect))).get(0);
            stdout = words(line.substring(line.indexOf("| tee '"))).get(0);
        } else {
            int redirects = line.indexOf(line.contains(" >'") ? " >'" : " 2>'");
            words = words(line.substring(0, redirects));
            List<String> targets = words(line.substring(redirects));
            err = targets.get(targets.size() - 1);
            stdout = targets.size() > 1 ? targets.get(0) : null;
        }
        int command = -1;
        for (int i = 0; i < words.size(); i++) {
            if (COMMANDS.contains(words.get(i))) {
                command = i;
                break;
            }
        }
        if (command < 0) {
            throw new AssertionError("no titan-deploy command in " + line);
        }
        String launcher = line.substring(tee ? 2 : 0, line.indexOf("'" + words.get(command) + "'")).trim();
        if (missing.contains(launcher)) {
            write(err, "sh: 1: " + launcher.replace("'", "") + ": not found\n");
            return 127;
        }
        if (!onPath && launcher.equals("titan-deploy")) {
            // What sh does when the command is nowhere on the PATH.
            write(err, "sh: 1: titan-deploy: not found\n");
            return 127;
        }
        launchers.add(launcher);
        List<String> cli = words.subList(command, words.size());
        String name = cli.get(0);
        runs.add(List.copyOf(cli));
        environments.add(new LinkedHashMap<>(env));
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < cli.size(); i++) {
            options.put(cli.get(i), cli.get(i + 1));
        }
        String config = options.get("--config");
        cwds.add(cwd);
        if (config != null && !Files.exists(cwd.resolve(config))) {
            // What TopologyLoader answers for a file that is not there: a step run in another folder than the
            // checkout (a second workspace of the agent) meets it.
            write(err, "titan-deploy: " + config + ": no such config file\n");
            return 2;
        }
        if (config != null && Files.isDirectory(cwd.resolve(config))) {
            // What TopologyLoader answers for a folder (TopologyLoaderTest holds the real CLI to it).
            write(err, "titan-deploy: " + config + ": is a directory, not a topology file: name the topology file "
                    + "in it\n");
            return 2;
        }
        // A canned exit code for a command wins over the fake release: how a test makes plan or validate fail.
        FakeRelease.Answer answer = release == null || exitCodes.containsKey(name) ? null : release.answer(cli, options);
        if (answer != null) {
            return answer(cli, answer, err, stdout, tee);
        }
        int rc = exitCodes.getOrDefault(name, 0);
        String out = output.get(name);
        write(err, stderr.getOrDefault(name, ""));
        if (name.equals("plan")) {
            write(stdout, out == null ? "" : "[PM2] banner before the JSON\n" + out + "\n");
        } else if (out != null) {
            write(options.get("--report"), out);
            write(options.get("--junit"), "<testsuite name=\"titan-" + name + "\"/>");
            String html = options.get("--html");
            if (html != null) {
                write(html, "<html><link rel=\"stylesheet\" href=\"titan-report.css\"></html>");
                write(Path.of(html).resolveSibling("titan-report.css").toString(), "main{}");
            }
            write(options.get("--html-inline"), "<html><style>main{}</style></html>");
            write(options.get("--events"), "");
        }
        return rc;
    }

    /**
     * Gives a release command's answer as the script would: stdout to the log and, with {@code tee} or a
     * redirect, to its file; the reports; the exit code. A run named in {@link #interrupted} (e.g.
     * {@code release service titan-brain}) is aborted while it runs instead: its stdout so far, then
     * Jenkins' interruption.
     */
    private Object answer(List<String> cli, FakeRelease.Answer answer, String err, String stdout, boolean tee)
            throws Exception {
        String run = key(cli);
        write(err, answer.stderr());
        if (interrupted.remove(run)) {
            // The stop button while this command runs: what it did stands; every running step is interrupted.
            test.abortBuild("the test during " + run);
            return 143;
        }
        if (broken.remove(run)) {
            throw new java.io.IOException("Cannot contact titan-b-1: java.io.EOFException (during " + run + ")");
        }
        if (lost.remove(run)) {
            // The agent goes away while this command runs: ExecutorStepExecution's RemovedNodeListener ends the
            // node block's steps with an interruption that is no user's abort.
            throw new FlowInterruptedException("ABORTED", false,
                    new org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution.RemovedNodeCause());
        }
        if (stdout != null) {
            write(stdout, answer.stdout());
        }
        if (stdout == null || tee) {
            answer.stdout().lines().forEach(log::add);
        }
        for (Map.Entry<String, String> file : answer.files().entrySet()) {
            write(file.getKey(), file.getValue());
        }
        return answer.exit();
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = QUOTED.matcher(text);
        while (m.find()) {
            words.add(m.group(1).replace("'\"'\"'", "'"));
        }
        return words;
    }

    private void write(String name, String text) throws Exception {
        if (name == null) {
            return;
        }
        Path file = cwd.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
