package org.jenkinsci.plugins.pipeline.modeldefinition;

import java.util.function.Consumer;

/**
 * Stand-in for the Pipeline: Declarative plugin's {@code Utils}, whose
 * {@code markStageSkippedForConditional(stageName)} tags the stages of that name as skipped (what a
 * false {@code when} does) without an error in the log. The test harness installs what "marking"
 * means ({@link #onMarkSkipped}); the library reaches this class by reflection, as it reaches the
 * plugin's, and falls back to {@code catchError} when it is absent.
 */
public final class Utils {

    private static volatile Consumer<String> onMarkSkipped = name -> {
        throw new IllegalStateException("no pipeline test is running");
    };

    private Utils() {
    }

    /** What the real method does for the running build: here, whatever the harness installed. */
    public static void markStageSkippedForConditional(String stageName) {
        onMarkSkipped.accept(stageName);
    }

    /** Installed by the harness for each test. */
    public static void onMarkSkipped(Consumer<String> marker) {
        onMarkSkipped = marker;
    }
}
