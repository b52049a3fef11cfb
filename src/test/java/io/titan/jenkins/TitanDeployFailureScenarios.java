package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.deploy.ServiceStatus;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;

/**
 * titanDeploy when a release goes wrong on the one local host: a service fails, validation fails,
 * the restore fails, the build is aborted (here the canned CLI throws Jenkins' interruption from a
 * running step; TitanDeployAbortScenarios aborts a real one). Run by {@link TitanDeployFailureTest}
 * as plain Groovy and by {@link TitanDeployFailureCpsTest} through groovy-cps.
 */
abstract class TitanDeployFailureScenarios extends TitanDeployBase {

    TitanDeployFailureScenarios(boolean cps) {
        super(cps);
    }

    void brainFails() {
        release.outcome("titan-brain", ServiceStatus.FAILED, 1, Fixtures.BRAIN_FAILURE);
    }

    static final String FAILURE_MESSAGE = "titanDeploy: titan: release " + RELEASE + ": titan-brain failed: "
            + Fixtures.BRAIN_FAILURE + " (rolled back to the previous release)";

    @Test
    void theFailedServiceIsTheOnlyRedStageItsDependentsAreNotBuiltAndTheRollbackNamesWhatItPutBack() {
        brainFails();

        assertThat(runAsBuild("titanDeploy", Map.of())).hasMessage(FAILURE_MESSAGE);

        // Jenkins cannot recolour a finished stage: shared and security stay green, and the rollback stage
        // is yellow, naming each service it put back.
        assertThat(stages()).containsExactlyInAnyOrder(stage(NAME, "titan-shared", "SUCCESS"),
                stage(NAME, "titan-shared soak", "SUCCESS"), stage(NAME, "titan-security", "SUCCESS"),
                stage(NAME, "titan-security soak", "SUCCESS"), stage(NAME, "titan-brain", "FAILURE"),
                stage(NAME, "titan-execution", "NOT_BUILT"), stage(NAME, "titan-console", "NOT_BUILT"),
                stage(NAME, "rollback", "UNSTABLE"));
        assertThat(stages()).endsWith(stage(NAME, "titan-execution", "NOT_BUILT"),
                stage(NAME, "titan-console", "NOT_BUILT"), stage(NAME, "rollback", "UNSTABLE"));
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(commands()).containsExactlyInAnyOrder("plan", "release begin @local",
                "release service titan-shared @local", "release soak titan-shared @local",
                "release service titan-security @local", "release soak titan-security @local",
                "release service titan-brain @local", "release abort @local");
        assertThat(commands()).endsWith("release abort @local");
        assertThat(run("release abort @local")).containsSubsequence("--reason", Fixtures.BRAIN_FAILURE);
        // One ERROR line per failure: the culprit's stage, then the step's own. Skipped stages are marked
        // skipped, as a false `when` does, without an error.
        assertThat(log).filteredOn(l -> l.startsWith("ERROR")).containsExactly(
                "ERROR: titan-brain failed in 1 s: " + Fixtures.BRAIN_FAILURE, "ERROR: " + FAILURE_MESSAGE);
        assertThat(log).filteredOn(l -> l.startsWith("WARNING")).containsExactly(
                "WARNING: titan-shared rolled back: it deployed, but its release failed",
                "WARNING: titan-security rolled back: it deployed, but its release failed");
        assertThat(logText()).contains("titan-execution not deployed (skipped): not started: dependency titan-brain failed",
                "titan-console not deployed (skipped): not started: dependency titan-brain failed",
                "rollback: the previous release runs again (put back: titan-shared, titan-security, titan-brain)");
        // The step's last lines: each service's line from its stage, and what the abort's report says became of it.
        assertThat(logText()).containsSubsequence(NAME + ": release " + RELEASE + ": FAILED at titan-brain",
                "  titan-shared deployed in 1 s, unavailable 0 ms: healthy (then rolled-back: restored)",
                "  titan-brain failed in 1 s: " + Fixtures.BRAIN_FAILURE,
                "  titan-console not deployed (skipped): not started: dependency titan-brain failed");
        assertThat(calls("catchError")).containsExactly(
                "{buildResult=FAILURE, stageResult=FAILURE, catchInterruptions=false}, groovy.lang.Closure");
        assertThat(currentBuild.get("description")).isEqualTo(NAME + ": release " + RELEASE
                + ": FAILED at titan-brain, 2 rolled-back, 2 skipped, previous release restored");
        // The reports (the abort's) are published before the step fails, so the build page shows them.
        assertThat(calls("junit")).hasSize(1);
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("titan-reports/titan-deploy.json");
        assertThat(callStack()).containsSubsequence("stage(titan: titan-brain, groovy.lang.Closure)",
                "error(titan-brain failed in 1 s: " + Fixtures.BRAIN_FAILURE + ")",
                "stage(titan: rollback, groovy.lang.Closure)", "junit(", "error(titanDeploy: titan: release");
    }

    @Test
    void aServicesStageTakesTheResultTheCliGivesItNotOneReadFromItsStatus() {
        // Its status says healthy, its exit 0: only the CLI's stageResult says it is not green.
        release.stageResults.put("titan-brain", "UNSTABLE");

        callStep("titanDeploy", args("failBuild", false));

        assertThat(stages()).contains(stage(NAME, "titan-brain", "UNSTABLE"),
                stage(NAME, "titan-execution", "NOT_BUILT"), stage(NAME, "titan-console", "NOT_BUILT"));
        assertThat(commands()).contains("release abort @local").doesNotContain("release finish @local",
                "release soak titan-brain @local");
        assertThat(calls("catchError")).first().asString().startsWith("{buildResult=UNSTABLE, stageResult=UNSTABLE");
    }

    @Test
    @SuppressWarnings("unchecked")
    void failBuildFalseKeepsTheCulpritRedAndOnlyTheBuildUnstable() {
        brainFails();

        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", args("failBuild", false));

        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(stage("titan: titan-brain")).isEqualTo("FAILURE");
        assertThat(stage("titan: titan-shared")).isEqualTo("SUCCESS");
        assertThat(stage("titan: titan-console")).isEqualTo("NOT_BUILT");
        assertThat(stage("titan: rollback")).isEqualTo("UNSTABLE");
        assertThat(calls("catchError")).containsExactly(
                "{buildResult=UNSTABLE, stageResult=FAILURE, catchInterruptions=false}, groovy.lang.Closure");
        assertThat(result).containsEntry("success", false).containsEntry("rolledBack", true)
                .containsEntry("outcome", "rolled-back").containsEntry("error", Fixtures.BRAIN_FAILURE);
        assertThat((List<Map<String, Object>>) result.get("services")).extracting(m -> m.get("status"))
                .containsExactly("rolled-back", "rolled-back", "failed", "skipped", "skipped");
        assertThat(logText()).contains("WARNING: titanDeploy: titan: release " + RELEASE + ": titan-brain failed");
    }

    @Test
    void rollbackFalseEndsTheReleaseWithoutRestoringAnything() {
        brainFails();

        Throwable end = runAsBuild("titanDeploy", args("rollback", false));

        assertThat(end).hasMessage("titanDeploy: titan: release " + RELEASE + ": titan-brain failed: "
                + Fixtures.BRAIN_FAILURE + " (not rolled back)");
        assertThat(run("release abort @local")).contains("--keep");
        assertThat(stages()).noneMatch(s -> s.contains("rollback"));
        assertThat(logText()).contains("release left as it is (rollback: false); the host is free");
        assertThat(currentBuild.get("description")).isEqualTo(NAME + ": release " + RELEASE
                + ": FAILED at titan-brain, 2 deployed, 2 skipped");
    }

    @Test
    void aFailedRollbackFailsTheBuildEvenWithFailBuildFalseAndSaysWhatToRun() {
        brainFails();
        release.abortExits.put("local", 3);
        holdNode("titan-prod-1", 1, "titan-prod");

        callStep("titanDeploy", args("failBuild", false));

        assertThat(stage("titan: rollback")).isEqualTo("FAILURE");
        assertThat(stage("titan: titan-brain")).isEqualTo("FAILURE");
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(currentBuild.get("description")).asString().endsWith("ROLLBACK FAILED");
        assertThat(logText()).contains("ERROR: rollback FAILED (exit 3): titan-shared did "
                        + "not come back: pm2 start failed; `titan-deploy release abort --host 'local' --release '"
                        + RELEASE + "' --config '" + workspace + "/titan.yaml'` on titan-prod-1",
                "ROLLBACK FAILED, manual action needed: rollback FAILED");
    }

    @Test
    void aPassingValidationIsAStageOfItsOwn() {
        callStep("titanDeploy", Map.of());

        assertThat(stages()).hasSize(9).last().isEqualTo(stage(NAME, "validation", "SUCCESS"));
        assertThat(run("validate @local")).containsExactly("validate", "--config", "titan.yaml", "--host", "local",
                "--report", "titan-reports/titan-deploy-validate.json",
                "--events", "titan-reports/titan-deploy-validate-events.ndjson");
        assertThat(logText()).contains("validation passed: 6 checks");
    }

    @Test
    void aFailedValidationIsARedStageNamingTheChecksThatFailedAndRollsTheReleaseBack() {
        release.validationFailures.put("local", "connection refused");

        callStep("titanDeploy", args("failBuild", "false"));

        assertThat(stage("titan: validation")).isEqualTo("FAILURE");
        assertThat(stage("titan: rollback")).isEqualTo("UNSTABLE");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(log).contains("ERROR: validation failed: 1 of 6 required checks failed: redis (connection refused)");
        assertThat(commands()).doesNotContain("release finish @local").contains("release abort @local");
        assertThat(currentBuild.get("description")).isEqualTo(NAME + ": release " + RELEASE
                + ": FAILED, 5 rolled-back, previous release restored");
    }

    @Test
    void aLockedHostFailsNamingTheHolderAndTouchesNothing() {
        release.beginExits.put("local", 4);
        release.beginErrors.put("local", "titan-deploy: release nightly-41-titan holds this host (lease until 03:40)");

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: titan: release " + RELEASE + " could not begin on host local: titan-deploy "
                        + "exited 4: titan-deploy: release nightly-41-titan "
                        + "holds this host (lease until 03:40)");
        assertThat(commands()).containsExactly("plan", "release begin @local");
        assertThat(stageRuns).isEmpty();
    }

    @Test
    void withTheBadgePluginEachReleaseAddsASummaryLineAndARollbackAddsAWarningBadge() {
        register("addSummary", List.of(Map.class), a -> null);
        register("addBadge", List.of(Map.class), a -> null);
        callStep("titanDeploy", Map.of());
        brainFails();

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of())).hasMessageStartingWith("titanDeploy: titan-2: release");

        String second = "titan-services-main-42-titan-2";
        assertThat(calls("addSummary")).containsExactly(
                "{icon=symbol-checkmark-circle plugin-ionicons-api, text=titan: release " + RELEASE + ": 5 deployed}",
                "{icon=symbol-arrow-undo-circle plugin-ionicons-api, text=titan-2: release " + second
                        + ": FAILED at titan-brain, 2 rolled-back, 2 skipped, previous release restored}");
        assertThat(calls("addBadge")).containsExactly("{icon=symbol-warning plugin-ionicons-api, text=release "
                + second + " rolled back to the previous release, style=color: var(--warning-color)}");
        // The summary comes after the publishing and before the step fails.
        assertThat(callStack()).containsSubsequence("publishHTML(", "addSummary(", "addBadge(", "error(titanDeploy:");
    }

    @Test
    void withoutTheBadgePluginNothingIsAddedAndNothingIsSaid() {
        brainFails();

        callStep("titanDeploy", args("failBuild", false));

        assertThat(currentBuild.get("description")).asString().startsWith("titan: release " + RELEASE + ": FAILED");
        assertThat(logText()).doesNotContainIgnoringCase("badge").doesNotContainIgnoringCase("summary");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
    }

    // An aborted build: a running step throws Jenkins' interruption (the canned CLI does it here).

    @Test
    void anAbortDuringAServiceRollsTheHostBackInTheRollbackStageAndEndsAborted() {
        cli.interrupted.add("release service titan-brain");

        Throwable end = runAsBuild("titanDeploy", args("pm2Home", "/srv/pm2"));

        assertThat(end).isInstanceOf(FlowInterruptedException.class).hasMessageContaining("titan-brain");
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(commands()).containsSubsequence("plan", "release begin @local", "release service titan-shared @local",
                "release service titan-security @local", "release service titan-brain @local", "release abort @local");
        assertThat(run("release abort @local")).containsSubsequence("--reason", "the build was aborted");
        assertThat(cli.environments).allSatisfy(e -> assertThat(e).containsEntry("PM2_HOME", "/srv/pm2"));
        assertThat(stages()).contains(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-shared soak", "SUCCESS"),
                stage(NAME, "titan-security", "SUCCESS"), stage(NAME, "titan-brain", "ABORTED"))
                .last().isEqualTo(stage(NAME, "rollback", "UNSTABLE"));
        // titan-security's soak ran beside titan-brain: the stop button stopped it too, unless it had ended.
        assertThat(stage(NAME + ": titan-security soak")).isIn("SUCCESS", "ABORTED");
        assertThat(log).noneMatch(l -> l.startsWith("ERROR"));
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("titan-reports/titan-deploy.json");
        assertThat(currentBuild.get("description"))
                .isEqualTo("titan: release " + RELEASE + ": ABORTED, previous release restored");
    }

    @Test
    void anAbortWhoseRestoreFailedSaysWhatToRunAndStillEndsAborted() {
        holdNode("titan-prod-1", 1, "titan-prod");
        cli.interrupted.add("release service titan-brain");
        release.abortExits.put("local", 3);

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stage("titan: rollback")).isEqualTo("FAILURE");
        assertThat(logText()).contains("ERROR: rollback FAILED (exit 3): titan-shared "
                + "did not come back: pm2 start failed; `titan-deploy release abort --host 'local' --release '" + RELEASE
                + "' --config '" + workspace + "/titan.yaml'` on titan-prod-1");
        assertThat(currentBuild.get("description")).isEqualTo("titan: release " + RELEASE
                + ": ABORTED, PREVIOUS RELEASE NOT CONFIRMED, manual action needed");
    }

    @Test
    void aSecondAbortDuringTheRollbackSaysPlainlyWhatToRunAndWhere() {
        holdNode("titan-prod-1", 1, "titan-prod");
        cli.interrupted.add("release service titan-brain");
        cli.interrupted.add("release abort");

        Throwable end = runAsBuild("titanDeploy", args("pm2Home", "/srv/pm2"));

        assertThat(end).isInstanceOf(FlowInterruptedException.class).hasMessageContaining("release abort");
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stage("titan: rollback")).isEqualTo("ABORTED");
        assertThat(log).filteredOn(l -> l.startsWith("titanDeploy:")).containsExactly("titanDeploy: rollback "
                + "interrupted: run `PM2_HOME='/srv/pm2' titan-deploy release abort --host 'local' --release '" + RELEASE
                + "' --config '" + workspace + "/titan.yaml'` on titan-prod-1 (or let the release's lease run out: the "
                + "next titan-deploy on that host restores it)");
        assertThat(log).noneMatch(l -> l.startsWith("ERROR"));
    }

    @Test
    void theStopButtonDuringTheRollbackOfAFailedReleaseEndsItAgainAndTheBuildAborted() {
        brainFails();
        cli.interrupted.add("release abort");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        // The cut-off abort had ended the release (the fake engine answers before the interruption); the
        // second one finds it no longer open.
        assertThat(commands()).endsWith("release abort @local", "release abort @local");
        assertThat(stages()).endsWith(stage(NAME, "rollback", "ABORTED"), stage(NAME, "rollback", "SUCCESS"));
        assertThat(logText()).contains("rollback: done by the abort that was cut off");
        assertThat(currentBuild.get("description"))
                .isEqualTo("titan: release " + RELEASE + ": ABORTED, previous release restored");
    }

    @Test
    void anAbortWhileTheHostIsTakenEndsTheReleaseThereWhichRestoresNothing() {
        cli.interrupted.add("release begin");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        // The begin may or may not have taken the host when it was cut off: the release is ended there.
        assertThat(commands()).containsExactly("plan", "release begin @local", "release abort @local");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "SUCCESS"));
        assertThat(logText()).contains("rollback: nothing to restore (no service had started)");
        assertThat(currentBuild.get("description"))
                .isEqualTo("titan: release " + RELEASE + ": ABORTED, nothing had been deployed yet");
    }

    @Test
    void itsOwnTimeoutCutsTheReleaseAndTheRollbackRunsOutsideIt() {
        // titan-brain hangs in its start; the release may take 1 s; the abort restores what deployed.
        cli.delays.put("release service titan-brain", 60_000L);

        Throwable end = runAsBuild("titanDeploy", args("timeout", "1s"));

        assertThat(end).hasMessage("titanDeploy: titan: release " + RELEASE + ": did not finish within 1s "
                + "(titanDeploy's 'timeout') (rolled back to the previous release)");
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(calls("timeout")).containsExactly("{time=1, unit=SECONDS}, groovy.lang.Closure");
        // The rollback ran after the timeout had ended: outside it, nothing could cut it short.
        assertThat(callStack()).containsSubsequence("timeout({time=1, unit=SECONDS}", "stage(titan: rollback");
        assertThat(run("release abort @local")).containsSubsequence("--reason",
                "did not finish within 1s (titanDeploy's 'timeout')");
        assertThat(stage(NAME + ": titan-brain")).isEqualTo("ABORTED");
        assertThat(stage(NAME + ": rollback")).isEqualTo("UNSTABLE");
    }

    @Test
    void aTimeoutIsADurationInSecondsMinutesOrHours() {
        assertThatThrownBy(() -> callStep("titanDeploy", args("timeout", "30")))
                .hasMessage("titanDeploy: 'timeout' must be a duration such as '90s', '30m' or '1h', got '30'");
        assertThat(shScripts).isEmpty();
    }
}
