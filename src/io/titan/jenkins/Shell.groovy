package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/** Builds sh scripts from argument lists: every argument single-quoted, so no value is ever shell syntax. */
final class Shell implements Serializable {

    private static final long serialVersionUID = 1L

    private Shell() {
    }

    /** {@code it's} becomes {@code 'it'"'"'s'}. */
    @NonCPS
    static String quote(Object value) {
        return "'" + String.valueOf(value).replace("'", "'\"'\"'") + "'"
    }

    /** The arguments quoted and joined by spaces. */
    @NonCPS
    static String join(List args) {
        return args.collect { quote(it) }.join(' ')
    }
}
