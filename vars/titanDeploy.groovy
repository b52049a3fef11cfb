import io.titan.jenkins.Args
import io.titan.jenkins.Cli
import io.titan.jenkins.Json
import io.titan.jenkins.Reports
import io.titan.jenkins.Stages

/**
 * Deploys the topology's services with the titan-deploy CLI on this agent: one release, one
 * rollback. Then shows each service as its own stage (grouped by dependency level, parallel within
 * a level) whose log holds that service's events and whose result is the service's, plus
 * 'validation' and 'rollback' stages when those ran; every stage name starts with the call's name.
 * An aborted build gets the previous release back before it ends. See vars/titanDeploy.txt.
 */
Map call(Object userConfig = [:]) {
    Map defaultConfig = [
            // Topology YAML, relative to the workspace (or to the dir() the step runs in).
            config       : 'titan.yaml',
            // This call's name: prefixes its stages and report files, names its JUnit suite and pages.
            // Default: the topology file's base name; a name taken in this build gets -2, -3, ...
            name         : null,
            // Services to deploy (List or comma-separated String); empty deploys all of them.
            only         : [],
            // 'parallel' (each service once its dependencies are healthy) or 'sequential'.
            strategy     : 'parallel',
            // Roll the release back when a service fails (false leaves it as it is, for debugging).
            rollback     : true,
            // Validate the release after it deployed (when the topology has a validation section).
            validate     : true,
            // PM2_HOME of the target, when the topology does not set pm2.home.
            pm2Home      : null,
            // The CLI: a launcher path or a .jar; default env TITAN_DEPLOY_CLI, then titan-deploy on PATH.
            cli          : null,
            // Where the JSON, JUnit, HTML (with titan-report.css), history and NDJSON reports go, relative to
            // the workspace.
            reportDir    : 'titan-reports',
            // Publish the per-service JUnit results with the junit step.
            junit        : true,
            // true: a failed deployment fails the step and the build; false: UNSTABLE, and the Map is returned.
            failBuild    : true,
            // Wait this long for another deployment of the target (e.g. '5m') instead of failing at once.
            waitLock     : null,
            // Only show what a deploy would do (start, restart and why, unchanged, orphan); touch nothing.
            dryRun       : false,
            // Redeploy every service, changed or not.
            force        : false,
            // Remove services an earlier release deployed that are no longer in the topology.
            removeOrphans: false,
    ]
    Cli cli = new Cli(this, 'titanDeploy')
    Map config = cli.settings(defaultConfig, [strategy: ['parallel', 'sequential']], userConfig)
    String dir = config.reportDir
    if (config.dryRun) {
        cli.claimName('plan', config)
        return dryRun(cli, config, dir)
    }
    String name = cli.claimName('deploy', config)
    Map files = Args.files(dir, "${name}-deploy")
    String history = "${dir}/${name}-history.html"
    List args = ['deploy', '--config', config.config, '--name', name, '--strategy', config.strategy,
                 '--report', files.report, '--junit', files.junit, '--html', files.html, '--html-inline', files.email,
                 '--history-html', history, '--events', files.events]
    String only = Args.only(config.only)
    if (only) {
        args += ['--only', only]
    }
    if (!config.rollback) {
        args << '--no-rollback'
    }
    if (!config.validate) {
        args << '--no-validate'
    }
    if (config.waitLock) {
        args += ['--wait-lock', config.waitLock]
    }
    args.addAll(changeFlags(config))
    List outputs = [files.report, files.junit, files.html, files.email, history, files.events]
    int rc
    try {
        rc = cli.run(label: "titan-deploy deploy (${name})", args: args, dir: dir, outputs: outputs, err: files.err)
    } catch (InterruptedException interruption) {
        // The build was aborted (stop button, timeout): Jenkins has signalled the CLI, which handed the
        // restore to a PM2 app. Make sure the previous release is back, say so, and end ABORTED.
        throw recoverAfter(interruption, cli, config, files)
    }
    if (!fileExists(files.report)) {
        cli.failWithoutReport(rc, files.err)
    }
    Map report = (Map) Json.parse(readFile(files.report), files.report)
    List events = fileExists(files.events) ? Json.parseLines(readFile(files.events)) : []
    String failResult = config.failBuild ? 'FAILURE' : 'UNSTABLE'

    // One node per service, then 'validation' and 'rollback' when they ran (see Reports.nodes).
    List<List<Map>> levels = Reports.nodes(report, events, failResult, name)
    // Index loops: an Iterator held across steps would not survive a controller restart.
    for (int i = 0; i < levels.size(); i++) {
        List<Map> level = levels[i]
        if (level.size() == 1) {
            showNode(level[0])
        } else {
            Map branches = [:]
            for (int j = 0; j < level.size(); j++) {
                Map node = level[j]
                branches[node.name] = { showNode(node) }
            }
            parallel(branches)
        }
    }

    List<Map> pages = [[file: files.html, title: "Titan deploy (${name})".toString()],
                       [file: history, title: "Titan releases (${name})".toString()]]
    cli.publish([files.report, files.junit, files.html, history, files.css, files.events], files.junit,
            config.junit as boolean, pages)
    cli.describe(Reports.deploySummary(report, name))
    cli.summarize(Reports.buildSummary(report, name))
    Map result = Reports.deployResult(report)
    result.name = name
    if (!result.success) {
        String message = "titanDeploy: ${name}: ${Reports.deployFailure(report)}"
        if (config.failBuild) {
            error(message)
        }
        unstable(message)
    }
    return result
}

/** The CLI flags that decide what counts as a change. */
List changeFlags(Map config) {
    List flags = []
    if (config.force) {
        flags << '--force'
    }
    if (config.removeOrphans) {
        flags << '--remove-orphans'
    }
    return flags
}

/**
 * dryRun: what a deploy would do, as a 'plan' stage, without touching PM2. Returns
 * [dryRun: true, name, services: [[name, action, reasons]], orphans: [...]].
 */
Map dryRun(Cli cli, Map config, String dir) {
    String out = "${dir}/${config.name}-plan-diff.json"
    String err = "${dir}/${config.name}-plan-diff.stderr"
    List args = ['plan', '--diff', '--json', '--config', config.config] + changeFlags(config)
    int rc = cli.run(label: "titan-deploy plan --diff (${config.name})", args: args, dir: dir, outputs: [out],
            err: err, stdout: out)
    if (rc != 0) {
        cli.failWithoutReport(rc, err)
    }
    Map plan = (Map) Json.parseLastLine(readFile(out), out)
    stage(Stages.name(config.name as String, 'plan')) {
        echo(Reports.planTable(plan))
    }
    return [dryRun: true, name: config.name, services: plan.services, orphans: plan.orphans]
}

/**
 * A stage whose log holds the events of its subject and whose result is the subject's, said in one
 * line: an echo when it succeeded, a WARNING (unstable) when it was rolled back, nothing but a
 * "skipped" mark when it never started, an ERROR only for what failed.
 */
void showNode(Map node) {
    stage(node.name) {
        if (node.log) {
            echo(node.log)
        }
        if (node.result == 'SUCCESS') {
            echo(node.line)
        } else if (node.result == 'UNSTABLE') {
            unstable(node.line)
        } else if (node.result == 'NOT_BUILT') {
            echo(node.line)
            if (!Stages.markSkipped(node.name as String)) {
                // No Pipeline: Declarative plugin: the only other way to a NOT_BUILT stage prints an ERROR line.
                catchError(buildResult: 'SUCCESS', stageResult: 'NOT_BUILT', catchInterruptions: false) {
                    error(node.line)
                }
            }
        } else {
            // error inside catchError: the stage gets its own result, the build at most buildResult.
            catchError(buildResult: node.buildResult, stageResult: node.result, catchInterruptions: false) {
                error(node.line)
            }
        }
    }
}

/**
 * After the deploy's sh was interrupted: runs {@code titan-deploy recover} (which waits for the
 * restorer the CLI started, or restores the release before an unfinished one itself) as the call's
 * 'rollback' stage, publishes the reports there are, adds the outcome to the build description, and
 * returns {@code interruption} for the caller to rethrow, so that the build ends ABORTED. A second
 * interruption, during the recovery, is said plainly with what to run by hand, and rethrown.
 */
InterruptedException recoverAfter(InterruptedException interruption, Cli cli, Map config, Map files) {
    String dir = config.reportDir
    String out = "${dir}/${config.name}-recover.json"
    String err = "${dir}/${config.name}-recover.stderr"
    Map recovery = null
    try {
        stage(Stages.name(config.name as String, 'rollback')) {
            // Longer than the restorer needs; a timeout() around the build gives it 60 s before it interrupts again.
            int rc = cli.run(label: "titan-deploy recover (${config.name})", dir: dir, outputs: [out], err: err,
                    stdout: out, args: ['recover', '--config', config.config, '--wait-lock', '5m', '--json'])
            if (Cli.cannotRun(rc)) {
                recovery = [restored: false, release: null, log: '', line: cli.cannotRunMessage(cli.stderr(err))]
            } else {
                recovery = Reports.recovery(rc, fileExists(out) ? readFile(out) : '', Cli.lastLine(cli.stderr(err)))
            }
            if (recovery.log) {
                echo(recovery.log as String)
            }
            if (recovery.restored) {
                echo(recovery.line as String)
            } else {
                catchError(buildResult: 'FAILURE', stageResult: 'FAILURE', catchInterruptions: false) {
                    error("${recovery.line}; run ${cli.byHand('recover', config.config as String)}")
                }
            }
        }
    } catch (InterruptedException again) {
        echo("titanDeploy: recovery interrupted: run ${cli.byHand('recover', config.config as String)}")
        throw again
    }
    cli.publish([files.report, files.junit, files.html, files.css, files.events, out], files.junit,
            config.junit as boolean, [[file: files.html, title: "Titan deploy (${config.name})".toString()]])
    Map summary = Reports.abortSummary(config.name as String, recovery)
    cli.describe(summary.text as String)
    cli.summarize(summary)
    return interruption
}
