package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * How the three steps read their arguments, the same way in each: named arguments or one positional
 * String (the topology file); an argument set to null counts as not given (a job parameter that does
 * not exist yet is null); Booleans also as the Strings 'true' and 'false' in any case (what job
 * parameters and env give); Strings as Strings (a GString becomes one); a choice among its values.
 * Anything else names the argument and the value and nothing runs. Also the calls' names: each call
 * has one, unique in its build, which prefixes its stage names and report files.
 *
 * Pure functions: they return a problem instead of calling {@code error}, which a @NonCPS method must
 * not call; {@link Cli#settings} does that.
 */
final class Settings implements Serializable {

    private static final long serialVersionUID = 1L

    /** The build-wide env variable that holds this build's call names, {@code kind/name} comma-separated. */
    static final String REGISTRY = 'TITAN_DEPLOY_CALLS'
    /** A call name: it goes into stage names, file names and JUnit suite names. */
    static final String NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}'
    /** A duration argument: a whole number of seconds, minutes or hours. */
    static final String DURATION_PATTERN = '[1-9][0-9]{0,5}[smh]'
    /** The name of a call whose topology file name has nothing usable in it. */
    static final String FALLBACK_NAME = 'titan'

    private Settings() {
    }

    /**
     * The step's settings: {@code given} (a Map of named arguments, one String naming the topology
     * file, or null) over {@code defaults}, each value checked by the type of its default, and by
     * {@code choices} where that names the values it may take. Returns {@code [settings: Map]} or
     * {@code [problem: 'titanDeploy: ...']}.
     */
    @NonCPS
    static Map resolve(String step, Map defaults, Map choices, Object given) {
        Map named
        if (given == null) {
            named = [:]
        } else if (given instanceof CharSequence) {
            named = [config: given.toString()]
        } else if (given instanceof Map) {
            named = (Map) given
        } else {
            return [problem: ("${step}: expected named arguments (config: 'titan.yaml', ...) or the topology file as "
                    + "one String, got ${describe(given)}").toString()]
        }
        String unknown = unknown(defaults, named)
        if (unknown) {
            return [problem: "${step}: unknown argument(s) ${unknown}; known: ${defaults.keySet().join(', ')}"
                    .toString()]
        }
        Map settings = new LinkedHashMap(defaults)
        for (Object entry : named.entrySet()) {
            String key = ((Map.Entry) entry).key
            Object value = ((Map.Entry) entry).value
            if (value == null) {
                continue
            }
            Map checked = check(step, key, value, defaults[key], (List) choices[key])
            if (checked.problem) {
                return checked
            }
            settings[key] = checked.value
        }
        String problem = problems(step, settings)
        return problem ? [problem: problem] : [settings: settings]
    }

    /** One argument, checked against the type of its default or its choices: {@code [value:]} or {@code [problem:]}. */
    @NonCPS
    private static Map check(String step, String key, Object value, Object byDefault, List choices) {
        if (byDefault instanceof Boolean) {
            Boolean flag = bool(value)
            return flag == null ? [problem: ("${step}: '${key}' must be true or false (or the String 'true' or "
                    + "'false'), got ${describe(value)}").toString()] : [value: flag]
        }
        if (byDefault instanceof List) {
            if (value instanceof Collection || value instanceof CharSequence) {
                return [value: value instanceof Collection ? new ArrayList((Collection) value) : value.toString()]
            }
            return [problem: ("${step}: '${key}' must be a List or a comma-separated String, got "
                    + describe(value)).toString()]
        }
        if (!(value instanceof CharSequence)) {
            return [problem: "${step}: '${key}' must be a String, got ${describe(value)}".toString()]
        }
        String text = value.toString()
        if (choices != null && !choices.contains(text)) {
            return [problem: ("${step}: '${key}' must be ${choices.collect { Object c -> "'${c}'" }.join(' or ')}, "
                    + "got '${text}'").toString()]
        }
        return [value: text]
    }

    /** What the settings must be together: a topology file named, a name that can name files. */
    @NonCPS
    private static String problems(String step, Map settings) {
        if (!settings.config?.toString()?.trim()) {
            return "${step}: 'config' must name the topology file".toString()
        }
        if (settings.timeout != null && !(settings.timeout ==~ DURATION_PATTERN)) {
            return ("${step}: 'timeout' must be a duration such as '90s', '30m' or '1h', got '${settings.timeout}'")
                    .toString()
        }
        if (settings.name != null && !(settings.name ==~ NAME_PATTERN)) {
            return ("${step}: 'name' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a "
                    + "digit (it names stages and files), got '${settings.name}'").toString()
        }
        return null
    }

    /** A duration argument ({@link #DURATION_PATTERN}) in seconds. */
    @NonCPS
    static long seconds(String duration) {
        long n = duration[0..-2] as long
        return n * ['s': 1L, 'm': 60L, 'h': 3600L][duration[-1]]
    }

    /** true, false, or the Strings 'true'/'false' in any case (surrounding blanks ignored); else null. */
    @NonCPS
    static Boolean bool(Object value) {
        if (value instanceof Boolean) {
            return (Boolean) value
        }
        if (value instanceof CharSequence) {
            String text = value.toString().trim()
            if (text.equalsIgnoreCase('true')) {
                return Boolean.TRUE
            }
            if (text.equalsIgnoreCase('false')) {
                return Boolean.FALSE
            }
        }
        return null
    }

    /** The keys of {@code given} that {@code defaults} does not know, quoted and comma-separated; '' when none. */
    @NonCPS
    static String unknown(Map defaults, Map given) {
        List<String> keys = []
        for (Object key : given.keySet()) {
            if (!defaults.containsKey(key)) {
                keys << "'${key}'".toString()
            }
        }
        return keys.join(', ')
    }

    /** A value as an error message shows it: {@code 'yes' (String)}, {@code 1 (Integer)}. */
    @NonCPS
    static String describe(Object value) {
        String shown = value instanceof CharSequence ? "'${value}'" : String.valueOf(value)
        return "${shown} (${value.getClass().simpleName})".toString()
    }

    /**
     * A call's default name: the topology file's name without folder and extension
     * ({@code deploy/prod-a.yaml} is {@code prod-a}), with characters a name cannot hold turned into '-'.
     */
    @NonCPS
    static String baseName(String config) {
        String file = config.replace('\\', '/')
        file = file.substring(file.lastIndexOf('/') + 1)
        int dot = file.lastIndexOf('.')
        if (dot > 0) {
            file = file.substring(0, dot)
        }
        String name = file.replaceAll('[^A-Za-z0-9._-]+', '-').replaceAll('^[^A-Za-z0-9]+', '')
                .replaceAll('[-.]+$', '')
        if (name.length() > 64) {
            name = name.substring(0, 64)
        }
        return name ?: FALLBACK_NAME
    }

    /**
     * Takes {@code wanted} as the name of a call of {@code kind} in a build whose calls so far are
     * {@code registry}: {@code wanted} when free, else {@code wanted-2}, {@code wanted-3}, ... Returns
     * {@code [name:, registry:]}, the registry with the new call added.
     */
    @NonCPS
    static Map claim(String registry, String kind, String wanted) {
        List<String> calls = registry ? registry.split(',') as List : []
        String name = wanted
        int n = 2
        while (calls.contains("${kind}/${name}".toString())) {
            name = "${wanted}-${n++}".toString()
        }
        calls << "${kind}/${name}".toString()
        return [name: name, registry: calls.join(',')]
    }
}
