package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS
import groovy.json.JsonSlurperClassic

/**
 * JSON written by the titan-deploy CLI, read into plain HashMaps and ArrayLists: they are
 * Serializable, so a pipeline may hold them across steps and survive a controller restart.
 * JsonSlurperClassic, unlike JsonSlurper, never returns lazy (non-serializable) maps.
 */
final class Json implements Serializable {

    private static final long serialVersionUID = 1L

    private Json() {
    }

    /** One JSON document; {@code what} names it in the error message. */
    @NonCPS
    static Object parse(String text, String what) {
        try {
            return new JsonSlurperClassic().parseText(text)
        } catch (Exception e) {
            throw new IllegalArgumentException("${what} is not valid JSON: ${e.message}".toString())
        }
    }

    /** NDJSON: one object per non-blank line; a torn last line (a killed CLI) is dropped. */
    @NonCPS
    static List parseLines(String text) {
        List result = []
        JsonSlurperClassic slurper = new JsonSlurperClassic()
        for (String line : (text ?: '').readLines()) {
            if (line.trim()) {
                try {
                    result << slurper.parseText(line)
                } catch (Exception ignored) {
                    // Only the line being written when the CLI died can be torn; the rest is still worth showing.
                    continue
                }
            }
        }
        return result
    }

    /** The last line of {@code text} that starts a JSON value, for output with a banner before it. */
    @NonCPS
    static Object parseLastLine(String text, String what) {
        List<String> lines = (text ?: '').readLines().findAll { String l ->
            l.trim().startsWith('[') || l.trim().startsWith('{')
        }
        if (!lines) {
            throw new IllegalArgumentException("${what} has no JSON line".toString())
        }
        return parse(lines[-1], what)
    }
}
