package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The release as titanDeploy schedules it in Jenkins, read from {@code titan-deploy plan --json}:
 * the services to deploy in plan order (each with its host and dependencies) and the hosts they run
 * on (each with its agent label). Plain Maps, Lists and Strings only, so a pipeline may hold them
 * across steps and parallel branches may share them. Pure functions: no steps.
 */
final class Schedule implements Serializable {

    private static final long serialVersionUID = 1L

    /** The stage results a service's turn depends on. */
    static final String SUCCESS = 'SUCCESS'
    static final String FAILURE = 'FAILURE'

    private Schedule() {
    }

    /**
     * The schedule of {@code plan} (the JSON of {@code plan --json}) for the services named in
     * {@code only} ('' for all): {@code [order: [names], services: [name: [name, host, dependsOn, level]],
     * hosts: [[name, agent, address], ...]]}, hosts in the order their first service comes, only those
     * with a service to deploy. {@code [problem: ...]} when {@code only} names a service the plan lacks.
     */
    @NonCPS
    static Map of(Map plan, String only) {
        List<String> wanted = only ? only.split(',') as List<String> : []
        Map<String, Map> all = [:]
        for (Object o : (List) plan.services ?: []) {
            Map s = (Map) o
            List<String> dependsOn = ((List) s.dependsOn ?: []).collect { Object d -> d as String }
            all[s.name as String] = [name : s.name as String, host: (s.host ?: 'local') as String, dependsOn: dependsOn,
                                     level: (s.level ?: 0) as Integer]
        }
        List<String> unknown = wanted.findAll { String n -> !all.containsKey(n) }
        if (unknown) {
            return [problem: ("'only' names ${unknown.join(', ')}, not in the topology (its services: "
                    + "${all.keySet().join(', ')})").toString()]
        }
        List<String> order = []
        for (Object n : (List) plan.order ?: all.keySet() as List) {
            if (!wanted || wanted.contains(n as String)) {
                order << (n as String)
            }
        }
        Map services = [:]
        List<Map> hosts = []
        Map declared = (Map) plan.hosts ?: [:]
        for (String n : order) {
            Map service = all[n]
            services[n] = service
            if (!hosts.any { Map h -> h.name == service.host }) {
                Map h = (Map) declared[service.host] ?: [:]
                hosts << [name   : service.host, agent: h.agent == null ? null : h.agent as String,
                          address: h.address == null ? null : h.address as String]
            }
        }
        return [order: order, services: services, hosts: hosts]
    }

    /** The host named {@code name} of {@code schedule}. */
    @NonCPS
    static Map host(Map schedule, String name) {
        return (Map) ((List) schedule.hosts).find { Object h -> ((Map) h).name == name }
    }

    /** Whether the topology names its hosts ({@code hosts:}); without, its one host is the implicit local one. */
    @NonCPS
    static boolean namesHosts(Map schedule) {
        List hosts = (List) schedule.hosts
        return !(hosts.size() == 1 && ((Map) hosts[0]).agent == null)
    }

    /** Whether two of the services could ever deploy at the same time: a dependency level with two or more. */
    @NonCPS
    static boolean hasParallelism(Map schedule) {
        Map<Integer, Integer> perLevel = [:]
        for (Object s : ((Map) schedule.services).values()) {
            Integer level = ((Map) s).level as Integer
            perLevel[level] = (perLevel[level] ?: 0) + 1
        }
        return perLevel.values().any { Integer n -> n > 1 }
    }

    /**
     * Whether {@code service} may start, given the stage results so far ({@code results}, service to
     * SUCCESS or FAILURE): {@code [go: true]} once every dependency in this release succeeded (one not
     * deployed here must already be healthy, which the CLI checks); {@code [skip: reason]} once any
     * service failed, since the release will be rolled back; {@code [:]} to wait.
     */
    @NonCPS
    static Map turn(Map schedule, String service, Map results) {
        List<String> failed = results.findAll { Object k, Object v -> v == FAILURE }
                .collect { Object k, Object v -> k as String }
        if (failed) {
            String dependency = failedDependency(schedule, service, failed)
            return [skip: dependency ? "not started: dependency ${dependency} failed".toString()
                    : "not started: ${failed[0]} failed first".toString()]
        }
        Map services = (Map) schedule.services
        List<String> waiting = ((Map) services[service]).dependsOn.findAll { String d ->
            services.containsKey(d) && results[d] != SUCCESS
        }
        return waiting ? [:] : [go: true]
    }

    /** The failed service that {@code service} depends on, directly or not; null when none. */
    @NonCPS
    private static String failedDependency(Map schedule, String service, List<String> failed) {
        Map services = (Map) schedule.services
        List<String> todo = new ArrayList<String>(((Map) services[service]).dependsOn as List<String>)
        Set<String> seen = [] as Set
        while (todo) {
            String d = todo.remove(0)
            if (failed.contains(d)) {
                return d
            }
            if (seen.add(d) && services.containsKey(d)) {
                todo.addAll(((Map) services[d]).dependsOn as List<String>)
            }
        }
        return null
    }

    /**
     * Whether a host runs on the node the build holds: a topology without hosts always does, and so
     * does a host whose agent label is one of {@code nodeLabels} (env.NODE_LABELS: the node's name and
     * labels). Then the step must not ask for that node again with {@code node(label)}: that needs a
     * second executor, and on an agent with one it waits for ever.
     */
    @NonCPS
    static boolean onCurrentNode(String agent, String nodeLabels) {
        if (agent == null) {
            return true
        }
        return (nodeLabels ?: '').split(/\s+/).contains(agent)
    }

    /**
     * The release's name on every host: the job, the build and the call, with what a release name
     * cannot hold turned into '-' and the job shortened to fit its 128 characters
     * ({@code titan-services-main-42-titan}).
     */
    @NonCPS
    static String releaseId(String job, String build, String call) {
        String suffix = "-${build ?: '0'}-${call}".toString().replaceAll('[^A-Za-z0-9._-]+', '-')
        String head = (job ?: 'build').replaceAll('[^A-Za-z0-9._-]+', '-').replaceAll('^[^A-Za-z0-9]+', '')
        head = head ?: 'build'
        int room = 128 - suffix.length()
        return (head.length() > room ? head.substring(0, room) : head) + suffix
    }
}
