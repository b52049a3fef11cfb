package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The stages a step draws: their names, and the one way Jenkins has to mark a stage skipped without
 * an {@code ERROR:} line in its log.
 */
final class Stages implements Serializable {

    private static final long serialVersionUID = 1L

    /** Pipeline: Declarative's helper class; its static markStageSkippedForConditional(name) marks a stage skipped. */
    static final String DECLARATIVE_UTILS = 'org.jenkinsci.plugins.pipeline.modeldefinition.Utils'

    private Stages() {
    }

    /** A stage of call {@code call}: {@code prod-a: titan-brain}. Unique in the build, as call names are. */
    @NonCPS
    static String name(String call, String subject) {
        return "${call}: ${subject}".toString()
    }

    /**
     * Marks the running stage {@code stageName} skipped (NOT_BUILT, drawn as skipped) as a false
     * {@code when} does, through Pipeline: Declarative's Utils, reached by reflection so that the library
     * loads without that plugin. False when it is not there (or this Jenkins refuses the call): the
     * caller then falls back to {@code catchError(stageResult: 'NOT_BUILT') { error(...) }}, which
     * prints an ERROR line. The plugin's method tags every stage of that name in the build, which is
     * why stage names carry the call's name.
     */
    @NonCPS
    static boolean markSkipped(String stageName) {
        try {
            Class utils = Class.forName(DECLARATIVE_UTILS, true, Stages.classLoader)
            utils.getMethod('markStageSkippedForConditional', String).invoke(null, stageName)
            return true
        } catch (ReflectiveOperationException absent) {
            return false
        } catch (LinkageError absent) {
            return false
        } catch (SecurityException refused) {
            // A library loaded untrusted runs in the Groovy sandbox, which rejects reflection.
            return false
        }
    }
}
