import io.titan.jenkins.Args
import io.titan.jenkins.Cli
import io.titan.jenkins.Json
import io.titan.jenkins.Reports

/**
 * Prints the target's PM2 process table (from the titan-deploy CLI on this agent) and returns it as
 * a List of Maps; a topology service that is not online marks the stage per 'failOn'.
 * See vars/titanPm2Status.txt.
 */
List call(Object userConfig = [:]) {
    Map defaultConfig = [
            // Topology YAML, relative to the workspace (or to the dir() the step runs in).
            config   : 'titan.yaml',
            // This call's name: prefixes its report files and names its page. Default: the topology file's base
            // name; a name taken in this build gets -2, -3, ...
            name     : null,
            // The host to show, for a topology with several (run the step on its agent); default all the
            // topology's services, of every host, as this agent's PM2 knows them.
            host     : null,
            // PM2_HOME of the target, when the topology does not set pm2.home.
            pm2Home  : null,
            // The CLI: a launcher path or a .jar; default env TITAN_DEPLOY_CLI, then titan-deploy on PATH.
            cli      : null,
            // Where <name>-pm2-status.json, -junit.xml and .html go, relative to the workspace.
            reportDir: 'titan-reports',
            // Publish one JUnit test case per topology service (online passes, not online or not in PM2 fails).
            junit    : true,
            // A topology service not online: 'UNSTABLE' marks stage and build, 'FAILURE' fails the step,
            // 'NONE' only prints.
            failOn   : 'UNSTABLE',
    ]
    Cli cli = new Cli(this, 'titanPm2Status')
    Map config = cli.settings(defaultConfig, [failOn: ['UNSTABLE', 'FAILURE', 'NONE']], userConfig)
    String name = cli.claimName('pm2-status', config)
    String dir = config.reportDir
    Map files = Args.files(dir, "${name}-pm2-status")
    // One call: the table goes to the log; the JSON, JUnit XML and HTML page to files.
    List args = ['status', '--config', config.config, '--report', files.report, '--junit', files.junit,
                 '--html', files.html, '--html-inline', files.email]
    if (config.host) {
        args += ['--host', config.host]
    }
    int rc = cli.run(label: "titan-deploy status (${name})", args: args, dir: dir,
            outputs: [files.report, files.junit, files.html, files.email], err: files.err)
    if (!fileExists(files.report)) {
        cli.failWithoutReport(rc, files.err)
    }
    List processes = (List) Json.parse(cli.read(files.report), files.report)
    cli.publish([files.report, files.junit, files.html, files.css], files.junit, config.junit as boolean,
            [[file: files.html, title: "Titan PM2 status (${name})".toString()]])

    List<String> offline = Reports.offline(processes)
    if (offline) {
        String message = "titanPm2Status: ${name}: not online: ${offline.join(', ')}"
        if (config.failOn == 'FAILURE') {
            error(message)
        } else if (config.failOn == 'UNSTABLE') {
            unstable(message)
        } else {
            echo(message)
        }
    }
    return processes
}
