import io.titan.jenkins.Args
import io.titan.jenkins.Cli
import io.titan.jenkins.Json
import io.titan.jenkins.Reports

/**
 * Checks that the deployed services, Redis and the exchange WebSockets work, with the titan-deploy
 * CLI on this agent. Returns [success, durationMs, checks]; a failed required check marks the stage
 * per 'failOn'. With failOn: 'NONE' it is a gate: when { expression { titanValidate(...).success } }.
 * See vars/titanValidate.txt.
 */
Map call(Map userConfig = [:]) {
    Map defaultConfig = [
            // Topology YAML, relative to the workspace.
            config   : 'titan.yaml',
            // Only the service checks and a Redis PING, bounded at 5 s.
            quick    : false,
            // PM2_HOME of the target, when the topology does not set pm2.home.
            pm2Home  : null,
            // The CLI: a launcher path or a .jar; default env TITAN_DEPLOY_CLI, then titan-deploy on PATH.
            cli      : null,
            // Where the reports go (validate.* or validate-quick.*, and titan-report.css), relative to the workspace.
            reportDir: 'titan-reports',
            // Publish one JUnit test case per check with the junit step.
            junit    : true,
            // A failed required check: 'FAILURE' fails the step, 'UNSTABLE' marks stage and build, 'NONE' only reports.
            failOn   : 'FAILURE',
    ]
    Cli cli = new Cli(this, 'titanValidate')
    Map config = cli.settings(defaultConfig, userConfig)
    String badFailOn = Args.badFailOn('titanValidate', config.failOn)
    if (badFailOn) {
        error(badFailOn)
    }
    String launcher = cli.launcher(config.cli)
    String dir = config.reportDir
    Map files = Args.files(dir, config.quick ? 'validate-quick' : 'validate')
    List args = ['validate', '--config', config.config, '--report', files.report, '--junit', files.junit,
                 '--html', files.html, '--html-inline', files.email, '--events', files.events]
    if (config.quick) {
        args << '--quick'
    }
    int rc = cli.run(config.quick ? 'titan-deploy validate --quick' : 'titan-deploy validate', launcher, args, dir,
            [files.report, files.junit, files.html, files.email, files.events], files.err, null, config.pm2Home)
    if (!fileExists(files.report)) {
        cli.failWithoutReport(rc, files.err)
    }
    Map report = (Map) Json.parse(readFile(files.report), files.report)
    cli.publish([files.report, files.junit, files.html, files.css, files.events], files.junit, config.junit as boolean,
            [[file: files.html, title: config.quick ? 'Titan validation (quick)' : 'Titan validation']])
    Map result = Reports.validateResult(report)
    echo("titanValidate: ${Reports.validateSummary(report)}")
    if (!result.success) {
        String message = "titanValidate: ${Reports.validateFailure(report)}"
        if (config.failOn == 'FAILURE') {
            error(message)
        } else if (config.failOn == 'UNSTABLE') {
            unstable(message)
        } else {
            echo(message)
        }
    }
    return result
}
