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
        // A deploy validates when the topology has a validation section (a CLI before 'validation' said nothing).
        return [order: order, services: services, hosts: hosts, validation: plan.validation != false]
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

    /** The services of the release that wait for none of the others: the release starts with them. */
    @NonCPS
    static List<String> roots(Map schedule) {
        Map services = (Map) schedule.services
        return ((List) schedule.order).findAll { Object n ->
            !((Map) services[n]).dependsOn.any { Object d -> services.containsKey(d) }
        }.collect { Object n -> n as String }
    }

    /** The services of the release that depend on {@code service} directly, in plan order. */
    @NonCPS
    static List<String> dependents(Map schedule, String service) {
        Map services = (Map) schedule.services
        return ((List) schedule.order).findAll { Object n -> ((Map) services[n]).dependsOn.contains(service) }
                .collect { Object n -> n as String }
    }

    /**
     * The dependents of {@code service} that may start now that it is {@code healthy}: not started yet,
     * and every dependency they have in the release healthy (one outside the release must already be
     * healthy, which the CLI checks). {@code service} was the last dependency each of them waited for.
     */
    @NonCPS
    static List<String> ready(Map schedule, String service, Map healthy, Map started) {
        Map services = (Map) schedule.services
        return dependents(schedule, service).findAll { String d ->
            !started[d] && ((Map) services[d]).dependsOn.every { Object dep ->
                !services.containsKey(dep) || healthy[dep]
            }
        }
    }

    /** Why {@code service} never started once {@code failed} (in the order they failed) did. */
    @NonCPS
    static String skipReason(Map schedule, String service, List failed) {
        if (!failed) {
            return 'not started: the release stopped'
        }
        String dependency = failedDependency(schedule, service, failed.collect { Object f -> f as String })
        return dependency ? "not started: dependency ${dependency} failed".toString()
                : "not started: ${failed[0]} failed first".toString()
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
     * The release's name on every host, made from the job, the build and the call
     * ({@code titan-services-main-42-titan}): what a release id cannot hold (a job "Titan Services" has a
     * space) turned into '-', and the job shortened to fit 128 characters, so that a job's first build
     * is not refused. This only makes an id from the job's name: the engine's {@code release begin} is
     * the authority on what an id may hold, and refuses any other, saying why.
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
