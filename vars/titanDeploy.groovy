import io.titan.jenkins.Cli
import io.titan.jenkins.Json
import io.titan.jenkins.Reports
import io.titan.jenkins.Args

/**
 * Deploys the topology's services with the titan-deploy CLI on this agent: one release, one
 * rollback. Then shows each service as its own stage (grouped by dependency level, parallel within
 * a level) whose log holds that service's events and whose result is the service's, plus
 * 'validation' and 'rollback' stages when those ran. See vars/titanDeploy.txt.
 */
Map call(Map userConfig = [:]) {
    Map defaultConfig = [
            // Topology YAML, relative to the workspace.
            config   : 'titan.yaml',
            // Services to deploy (List or comma-separated String); empty deploys all of them.
            only     : [],
            // 'parallel' (each service once its dependencies are healthy) or 'sequential'.
            strategy : 'parallel',
            // Roll the release back when a service fails (false leaves it as it is, for debugging).
            rollback : true,
            // Validate the release after it deployed (when the topology has a validation section).
            validate : true,
            // PM2_HOME of the target, when the topology does not set pm2.home.
            pm2Home  : null,
            // The CLI: a launcher path or a .jar; default env TITAN_DEPLOY_CLI, then titan-deploy on PATH.
            cli      : null,
            // Where the JSON, JUnit, HTML (with titan-report.css), history and NDJSON reports go, relative to
            // the workspace.
            reportDir: 'titan-reports',
            // Publish the per-service JUnit results with the junit step.
            junit    : true,
            // true: a failed deployment fails the step and the build; false: UNSTABLE, and the Map is returned.
            failBuild: true,
            // Wait this long for another deployment of the target (e.g. '5m') instead of failing at once.
            waitLock : null,
            // Only show what a deploy would do (start, restart and why, unchanged, orphan); touch nothing.
            dryRun   : false,
            // Redeploy every service, changed or not.
            force    : false,
            // Remove services an earlier release deployed that are no longer in the topology.
            removeOrphans: false,
    ]
    Cli cli = new Cli(this, 'titanDeploy')
    Map config = cli.settings(defaultConfig, userConfig)
    if (!(config.strategy in ['parallel', 'sequential'])) {
        error("titanDeploy: 'strategy' must be 'parallel' or 'sequential', got '${config.strategy}'")
    }
    String launcher = cli.launcher(config.cli)
    String dir = config.reportDir
    if (config.dryRun) {
        return dryRun(cli, launcher, config, dir)
    }
    Map files = Args.files(dir, 'deploy')
    String history = "${dir}/history.html"
    List args = ['deploy', '--config', config.config, '--strategy', config.strategy,
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
    int rc = cli.run('titan-deploy deploy', launcher, args, dir, outputs, files.err, null, config.pm2Home)
    if (!fileExists(files.report)) {
        cli.failWithoutReport(rc, files.err)
    }
    Map report = (Map) Json.parse(readFile(files.report), files.report)
    List events = fileExists(files.events) ? Json.parseLines(readFile(files.events)) : []
    String failResult = config.failBuild ? 'FAILURE' : 'UNSTABLE'

    // One node per service, then 'validation' and 'rollback' when they ran (see Reports.nodes).
    List<List<Map>> levels = Reports.nodes(report, events, failResult)
    // Index loops: an Iterator held across steps would not survive a controller restart.
    for (int i = 0; i < levels.size(); i++) {
        List<Map> level = levels[i]
        if (level.size() == 1) {
            showNode(level[0])
        } else {
            Map branches = [:]
            for (int j = 0; j < level.size(); j++) {
                Map service = level[j]
                branches[service.name] = { showNode(service) }
            }
            parallel(branches)
        }
    }

    List<Map> pages = [[file: files.html, title: 'Titan deploy'], [file: history, title: 'Titan releases']]
    cli.publish([files.report, files.junit, files.html, history, files.css, files.events], files.junit,
            config.junit as boolean, pages)
    // Plain text: Jenkins' default markup formatter escapes HTML in the description.
    currentBuild.description = Reports.deploySummary(report)
    cli.summarize(Reports.buildSummary(report))
    Map result = Reports.deployResult(report)
    if (!result.success) {
        String message = "titanDeploy: ${Reports.deployFailure(report)}"
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
 * dryRun: what a deploy would do, as a 'plan' section of the log, without touching PM2. Returns
 * [dryRun: true, services: [[name, action, reasons]], orphans: [...]].
 */
Map dryRun(Cli cli, String launcher, Map config, String dir) {
    String out = "${dir}/plan-diff.json"
    String err = "${dir}/plan-diff.err"
    List args = ['plan', '--diff', '--json', '--config', config.config] + changeFlags(config)
    int rc = cli.run('titan-deploy plan --diff', launcher, args, dir, [out], err, out, config.pm2Home)
    if (rc != 0) {
        cli.failWithoutReport(rc, err)
    }
    Map plan = (Map) Json.parseLastLine(readFile(out), out)
    stage('plan') {
        echo(Reports.planTable(plan))
    }
    return [dryRun: true, services: plan.services, orphans: plan.orphans]
}

/** A stage whose log holds the events of its subject and whose result is the subject's. */
void showNode(Map node) {
    stage(node.name) {
        if (node.log) {
            echo(node.log)
        }
        if (node.result == 'SUCCESS') {
            echo(node.line)
        } else {
            // error inside catchError: the stage gets its own result, the build at most buildResult.
            catchError(buildResult: node.buildResult, stageResult: node.result) {
                error(node.line)
            }
        }
    }
}
