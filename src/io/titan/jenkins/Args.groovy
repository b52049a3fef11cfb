package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/** The report files of a step's run and the CLI's form of its arguments. */
final class Args implements Serializable {

    private static final long serialVersionUID = 1L

    /** The stylesheet the CLI writes beside every HTML page ({@code --html}). */
    static final String STYLESHEET = 'titan-report.css'

    private Args() {
    }

    /**
     * The report files of one run in {@code dir}, named {@code base} ({@code prod-a-deploy}: the call's
     * name, then what ran). {@code html} needs {@code css}, the
     * stylesheet the CLI writes beside it, to look right in Jenkins; {@code email} is the same page as
     * one file with its styles inline, for e-mail attachments (Jenkins' CSP strips its styles, so it
     * is neither archived nor published).
     */
    @NonCPS
    static Map<String, String> files(String dir, String base) {
        String prefix = "${dir}/${base}"
        return [report: "${prefix}.json".toString(), junit: "${prefix}-junit.xml".toString(),
                html  : "${prefix}.html".toString(), css: "${dir}/${STYLESHEET}".toString(),
                email : "${prefix}-email.html".toString(), events: "${prefix}-events.ndjson".toString(),
                err   : "${prefix}.stderr".toString()]
    }

    /** {@code only} as the CLI wants it: a List or a comma-separated String becomes {@code a,b}; '' for all. */
    @NonCPS
    static String only(Object only) {
        if (!only) {
            return ''
        }
        List names = only instanceof Collection ? new ArrayList((Collection) only) : only.toString().split(',') as List
        return names.collect { Object n -> n.toString().trim() }.findAll { String n -> n }.join(',')
    }

    /**
     * {@code file} (relative to the workspace) as an Ant pattern that stash matches: stash's
     * {@code includes} are Ant patterns, which are never normalized, so {@code ./deploy/titan.yaml}
     * would take nothing. Separators are merged and {@code .} segments dropped; null for a path that
     * leaves the workspace (absolute, or with {@code ..}) or has pattern characters in it.
     */
    @NonCPS
    static String stashPattern(String file) {
        List<String> segments = file.replace('\\', '/').split('/').findAll { String s -> s && s != '.' }
        if (file.startsWith('/') || !segments || segments.contains('..')
                || segments.any { String s -> s.contains('*') || s.contains('?') || s.contains(',') }) {
            return null
        }
        return segments.join('/')
    }
}
