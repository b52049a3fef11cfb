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
    private static final List<String> COMMANDS = List.of("deploy", "validate", "plan", "status", "recover");

    private Path cwd;
    /** Whether titan-deploy is on the agent's PATH: when not, running it by that name exits 127. */
    boolean onPath = true;
    final Map<String, Integer> exitCodes = new HashMap<>();
    /** Commands aborted while they run: their events are written, no report, and the step throws. */
    final Set<String> interrupted = new HashSet<>();
    /** JSON written to --report (deploy, validate, status) or to the stdout redirect (plan, recover). */
    final Map<String, String> output = new HashMap<>();
    final Map<String, String> events = new HashMap<>();
    final Map<String, String> stderr = new HashMap<>();
    /** Each CLI run: its argument list after the launcher. */
    final List<List<String>> runs = new ArrayList<>();
    /** Each CLI run's launcher words, as the script has them. */
    final List<String> launchers = new ArrayList<>();
    /** Each CLI run's environment. */
    final List<Map<String, Object>> environments = new ArrayList<>();

    @Override
    public Object run(Map<String, Object> args, Map<String, Object> env, Path cwd) throws Exception {
        this.cwd = cwd;
        String script = String.valueOf(args.get("script"));
        String line = script.lines().filter(l -> l.contains(" 2>'")).findFirst()
                .orElseThrow(() -> new AssertionError("no CLI call in " + script));
        int redirects = line.indexOf(line.contains(" >'") ? " >'" : " 2>'");
        List<String> words = words(line.substring(0, redirects));
        List<String> targets = words(line.substring(redirects));
        String err = targets.get(targets.size() - 1);
        String stdout = targets.size() > 1 ? targets.get(0) : null;
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
        String launcher = line.substring(0, line.indexOf("'" + words.get(command) + "'")).trim();
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
        int rc = exitCodes.getOrDefault(name, 0);
        String out = output.get(name);
        write(err, stderr.getOrDefault(name, ""));
        if (interrupted.contains(name)) {
            write(options.get("--events"), events.getOrDefault(name, ""));
            throw new FlowInterruptedException("ABORTED", "aborted by the test during " + name);
        }
        if (name.equals("plan")) {
            write(stdout, out == null ? "" : "[PM2] banner before the JSON\n" + out + "\n");
        } else if (name.equals("recover")) {
            write(stdout, out == null ? "" : out + "\n");
        } else if (out != null) {
            write(options.get("--report"), out);
            write(options.get("--junit"), "<testsuite name=\"titan-" + name + "\"/>");
            String html = options.get("--html");
            if (html != null) {
                write(html, "<html><link rel=\"stylesheet\" href=\"titan-report.css\"></html>");
                write(Path.of(html).resolveSibling("titan-report.css").toString(), "main{}");
            }
            write(options.get("--html-inline"), "<html><style>main{}</style></html>");
            write(options.get("--history-html"), "<html><link rel=\"stylesheet\" href=\"titan-report.css\"></html>");
            write(options.get("--events"), events.getOrDefault(name, ""));
        }
        return rc;
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
