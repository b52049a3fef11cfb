import io.titan.jenkins.Args
import io.titan.jenkins.Cli
import io.titan.jenkins.Json
import io.titan.jenkins.Reports

/**
 * Checks that the deployed services, Redis and the exchange WebSockets work, with the titan-deploy
 * CLI on this agent. Returns [success, name, durationMs, checks]; a failed required check marks the
 * stage per 'failOn'. With failOn: 'NONE' it is a gate: when { expression { titanValidate(...).success } }.
 * See vars/titanValidate.txt.
 */
Map call(Object userConfig = [:]) {
    Map defaultConfig = [
            // Topology YAML, relative to the workspace (or to the dir() the step runs in).
            config   : 'titan.yaml',
            // This call's name: prefixes its report files, names its JUnit suite and page. Default: the topology
            // file's base name; a name taken in this build (by a validation of the same kind) gets -2, -3, ...
            name     : null,
            // Only the service checks and a Redis PING, bounded at 5 s.
            quick    : false,
            // The host to validate, for a topology with several (run the step on its agent); default its only one.
            host     : null,
            // PM2_HOME of the target, when the topology does not set pm2.home.
            pm2Home  : null,
            // The CLI: a launcher path or a .jar; default env TITAN_DEPLOY_CLI, then titan-deploy on PATH.
            cli      : null,
            // Where the reports go (<name>-validate.* or <name>-validate-quick.*, and titan-report.css), relative
            // to the workspace.
            reportDir: 'titan-reports',
            // Publish one JUnit test case per check with the junit step.
            junit    : true,
            // A failed required check: 'FAILURE' fails the step, 'UNSTABLE' marks stage and build, 'NONE' only reports.
            failOn   : 'FAILURE',
    ]
    Cli cli = new Cli(this, 'titanValidate')
    Map config = cli.settings(defaultConfig, [failOn: ['FAILURE', 'UNSTABLE', 'NONE']], userConfig)
    String kind = config.quick ? 'validate-quick' : 'validate'
    String name = cli.claimName(kind, config)
    String dir = config.reportDir
    Map files = Args.files(dir, "${name}-${kind}")
    List args = ['validate', '--config', config.config, '--name', config.quick ? "${name} quick" : name,
                 '--report', files.report, '--junit', files.junit, '--html', files.html, '--html-inline', files.email,
                 '--events', files.events]
    if (config.quick) {
        args << '--quick'
    }
    if (config.host) {
        args += ['--host', config.host]
    }
    int rc = cli.run(label: "titan-deploy ${config.quick ? 'validate --quick' : 'validate'} (${name})", args: args,
            dir: dir, outputs: [files.report, files.junit, files.html, files.email, files.events], err: files.err)
    if (!fileExists(files.report)) {
        cli.failWithoutReport(rc, files.err)
    }
    Map report = (Map) Json.parse(cli.read(files.report), files.report)
    String title = config.quick ? "Titan validation (${name}, quick)" : "Titan validation (${name})"
    cli.publish([files.report, files.junit, files.html, files.css, files.events], files.junit, config.junit as boolean,
            [[file: files.html, title: title]])
    Map result = Reports.validateResult(report)
    result.name = name
    echo("titanValidate: ${name}: ${Reports.validateSummary(report)}")
    if (!result.success) {
        String message = "titanValidate: ${name}: ${Reports.validateFailure(report)}"
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
