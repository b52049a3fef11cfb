import io.titan.jenkins.Cli
import io.titan.jenkins.Release

/**
 * Deploys the topology's services as one release that Jenkins schedules: each service in its own
 * stage, run by the titan-deploy CLI on its host's agent as soon as its dependencies' stages
 * succeeded; then a validation stage per host, or after a failure (or an abort) a rollback stage that
 * restores every host. Every stage name starts with the call's name. See vars/titanDeploy.txt and
 * io.titan.jenkins.Release.
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
            // Bound the release, begin to finish (e.g. '30m'); once it runs out, the release is rolled back
            // outside that bound and the step fails. A timeout(...) around the step gives a rollback 60 s.
            timeout      : null,
            // Only show what a deploy would do (start, restart and why, unchanged, orphan); touch nothing.
            dryRun       : false,
            // Redeploy every service, changed or not.
            force        : false,
            // Remove services an earlier release deployed that are no longer in the topology.
            removeOrphans: false,
    ]
    Cli cli = new Cli(this, 'titanDeploy')
    Map config = cli.settings(defaultConfig, [strategy: ['parallel', 'sequential']], userConfig)
    if (config.dryRun) {
        cli.claimName('plan', config)
        return new Release(this, cli, config).preview()
    }
    cli.claimName('deploy', config)
    return new Release(this, cli, config).run()
}
