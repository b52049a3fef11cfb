import io.titan.jenkins.Args
import io.titan.jenkins.Cli
import io.titan.jenkins.Json
import io.titan.jenkins.Reports

/**
 * Prints the target's PM2 process table (from the titan-deploy CLI on this agent) and returns it as
 * a List of Maps; a topology service that is not online marks the stage per 'failOn'.
 * See vars/titanPm2Status.txt.
 */
List call(Map userConfig = [:]) {
    Map defaultConfig = [
            // Topology YAML, relative to the workspace.
            config   : 'titan.yaml',
            // PM2_HOME of the target, when the topology does not set pm2.home.
            pm2Home  : null,
            // The CLI: a launcher path or a .jar; default env TITAN_DEPLOY_CLI, then titan-deploy on PATH.
            cli      : null,
            // Where pm2-status.json and pm2-status-junit.xml go, relative to the workspace.
            reportDir: 'titan-reports',
            // Publish one JUnit test case per topology service (online passes) with the junit step.
            junit    : true,
            // A topology service not online: 'UNSTABLE' marks stage and build, 'FAILURE' fails the step,
            // 'NONE' only prints.
            failOn   : 'UNSTABLE',
    ]
    Cli cli = new Cli(this, 'titanPm2Status')
    Map config = cli.settings(defaultConfig, userConfig)
    String badFailOn = Args.badFailOn('titanPm2Status', config.failOn)
    if (badFailOn) {
        error(badFailOn)
    }
    String launcher = cli.launcher(config.cli)
    String dir = config.reportDir
    String planFile = "${dir}/pm2-plan.json"
    String statusFile = "${dir}/pm2-status.json"
    String junitFile = "${dir}/pm2-status-junit.xml"
    String errFile = "${dir}/pm2-status.stderr"
    int rc = cli.run('titan-deploy plan', launcher, ['plan', '--config', config.config, '--json'], dir,
            [planFile, statusFile, junitFile], errFile, planFile, config.pm2Home)
    if (rc == 0) {
        rc = cli.run('titan-deploy status', launcher, ['status', '--config', config.config, '--json'], dir,
                [], errFile, statusFile, config.pm2Home)
    }
    if (rc != 0) {
        cli.failWithoutReport(rc, errFile)
    }
    List<String> topology = (List<String>) ((Map) Json.parseLastLine(readFile(planFile), planFile)).order
    List processes = (List) Json.parseLastLine(readFile(statusFile), statusFile)
    echo(Reports.pm2Table(processes))
    writeFile(file: junitFile, text: Reports.pm2Junit(topology, processes))
    cli.publish([statusFile, junitFile], junitFile, config.junit as boolean, null, null)

    List<String> offline = Reports.offline(topology, processes)
    if (offline) {
        String message = "titanPm2Status: not online: ${offline.join(', ')}"
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
