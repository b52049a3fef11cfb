package io.titan.jenkins;

import groovy.lang.Closure;
import groovy.lang.GroovyObjectSupport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * The declarative pipeline syntax that JenkinsPipelineUnit 1.1 lacks, enough for Jenkinsfile.example:
 * {@code pipeline}, {@code agent} (a label, {@code any} or {@code none}), {@code options},
 * {@code parameters}, {@code environment}, {@code stages}/{@code stage}/{@code steps},
 * {@code when { expression }}, and {@code post} with always/aborted/failure/success/unstable/
 * unsuccessful/cleanup. The blocks are first read into a model, then run as Jenkins runs them: a
 * failing stage fails the build and skips the stages after it, an interrupted one
 * ({@code FlowInterruptedException}) aborts the build and skips them too, a false {@code when} skips
 * its stage, and post conditions run against the build's result. The stages run with
 * {@code env.NODE_NAME} set to the agent's name. A {@code stage} called from inside {@code steps} (as
 * the library's vars do) is a scripted stage.
 */
final class Declarative {

    private static final class PipelineModel {
        final List<StageModel> stages = new ArrayList<>();
        String agent;
        final Map<String, Closure<?>> post = new LinkedHashMap<>();
        Closure<?> environment;
    }

    private static final class StageModel {
        final String name;
        final Map<String, Closure<?>> post = new LinkedHashMap<>();
        Closure<?> steps;
        Closure<?> when;
        Closure<?> environment;

        StageModel(String name) {
            this.name = name;
        }
    }

    private static final class StagesCollector {
        final List<StageModel> stages;

        StagesCollector(List<StageModel> stages) {
            this.stages = stages;
        }
    }

    private static final class PostCollector {
        final Map<String, Closure<?>> conditions;

        PostCollector(Map<String, Closure<?>> conditions) {
            this.conditions = conditions;
        }
    }

    private static final class WhenCollector {
        boolean pass = true;
    }

    /** Marks code that runs steps: a stage there is a scripted stage. */
    private static final Object SCRIPT = new Object();

    /** {@code agent any}: Groovy reads {@code any} as a property, which the script's binding holds. */
    static final String ANY = "any";
    /** {@code agent none}. */
    static final String NONE = "none";

    private final PipelineTestBase test;
    private final Deque<Object> context = new ArrayDeque<>();

    private Declarative(PipelineTestBase test) {
        this.test = test;
    }

    /** Registers the declarative syntax on {@code test}'s helper. */
    static void register(PipelineTestBase test) {
        new Declarative(test).registerAll();
    }

    private void registerAll() {
        test.register("pipeline", List.of(Closure.class), a -> {
            PipelineModel model = new PipelineModel();
            collect(model, (Closure<?>) a[0]);
            run(model);
            return null;
        });
        test.getBinding().setVariable(ANY, ANY);
        test.getBinding().setVariable(NONE, NONE);
        test.register("agent", List.of(Closure.class), a -> {
            AgentCollector agent = new AgentCollector();
            collect(agent, (Closure<?>) a[0]);
            return agent(agent.label);
        });
        test.register("agent", List.of(String.class), a -> agent((String) a[0]));
        test.register("agent", List.of(Map.class), a -> agent(String.valueOf(castMap(a[0]).get("label"))));
        test.register("label", List.of(String.class), a -> {
            if (!(context.peek() instanceof AgentCollector agent)) {
                throw new IllegalStateException("label outside agent");
            }
            agent.label = (String) a[0];
            return null;
        });
        test.register("options", List.of(Closure.class), a -> null);
        test.register("parameters", List.of(Closure.class), a -> null);
        test.register("environment", List.of(Closure.class), a -> {
            Object top = context.peek();
            if (top instanceof PipelineModel p) {
                p.environment = (Closure<?>) a[0];
            } else if (top instanceof StageModel s) {
                s.environment = (Closure<?>) a[0];
            } else {
                throw new IllegalStateException("environment outside pipeline or stage");
            }
            return null;
        });
        test.register("stages", List.of(Closure.class), a -> {
            if (!(context.peek() instanceof PipelineModel p)) {
                throw new IllegalStateException("stages outside pipeline");
            }
            collect(new StagesCollector(p.stages), (Closure<?>) a[0]);
            return null;
        });
        test.register("stage", List.of(String.class, Closure.class), a -> {
            if (context.peek() instanceof StagesCollector c) {
                StageModel stage = new StageModel((String) a[0]);
                collect(stage, (Closure<?>) a[1]);
                c.stages.add(stage);
                return null;
            }
            return test.scriptedStage((String) a[0], (Closure<?>) a[1]);
        });
        test.register("steps", List.of(Closure.class), a -> {
            stageModel("steps").steps = (Closure<?>) a[0];
            return null;
        });
        test.register("when", List.of(Closure.class), a -> {
            stageModel("when").when = (Closure<?>) a[0];
            return null;
        });
        test.register("expression", List.of(Closure.class), a -> {
            if (!(context.peek() instanceof WhenCollector w)) {
                throw new IllegalStateException("expression outside when");
            }
            Object value = script((Closure<?>) a[0]);
            w.pass &= org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation.castToBoolean(value);
            return null;
        });
        test.register("post", List.of(Closure.class), a -> {
            Object top = context.peek();
            Map<String, Closure<?>> conditions = top instanceof PipelineModel p ? p.post
                    : top instanceof StageModel s ? s.post : null;
            if (conditions == null) {
                throw new IllegalStateException("post outside pipeline or stage");
            }
            collect(new PostCollector(conditions), (Closure<?>) a[0]);
            return null;
        });
        for (String condition : POST_CONDITIONS) {
            test.register(condition, List.of(Closure.class), a -> {
                if (!(context.peek() instanceof PostCollector p)) {
                    throw new IllegalStateException(condition + " outside post");
                }
                p.conditions.put(condition, (Closure<?>) a[0]);
                return null;
            });
        }
        test.register("script", List.of(Closure.class), a -> script((Closure<?>) a[0]));
        test.register("disableConcurrentBuilds", List.of(), a -> null);
        test.register("timeout", List.of(Map.class), a -> null);
        test.register("string", List.of(Map.class), a -> new LinkedHashMap<>(castMap(a[0])));
    }

    /** Jenkins' order of post conditions (those the harness knows). */
    private static final List<String> POST_CONDITIONS = List.of("always", "aborted", "failure", "success", "unstable",
            "unsuccessful", "cleanup");

    private static final class AgentCollector {
        String label;
    }

    /** Records the pipeline's agent; only a pipeline-level agent is modelled. */
    private Object agent(String label) {
        if (context.peek() instanceof PipelineModel p) {
            p.agent = label;
            return null;
        }
        throw new IllegalStateException("agent outside pipeline (stage-level agents are not modelled)");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private StageModel stageModel(String section) {
        if (!(context.peek() instanceof StageModel s)) {
            throw new IllegalStateException(section + " outside a declarative stage");
        }
        return s;
    }

    private void collect(Object collector, Closure<?> body) {
        context.push(collector);
        try {
            test.call(body);
        } finally {
            context.pop();
        }
    }

    private Object script(Closure<?> body) {
        context.push(SCRIPT);
        try {
            return test.call(body);
        } finally {
            context.pop();
        }
    }

    private void run(PipelineModel model) {
        if (model.agent == null) {
            throw new IllegalStateException("pipeline without agent");
        }
        if (!model.agent.equals(NONE) && !model.agent.equals(ANY) && !test.buildAgent.has(model.agent)) {
            // The node the build got for the label: the test's workspace is its workspace.
            test.holdNode(model.agent + "-1", 1, model.agent);
        }
        Flow body = withEnvironment(test.flow().child(), model.environment);
        runIn(body, () -> {
            boolean failed = false;
            for (StageModel stage : model.stages) {
                if (failed) {
                    test.log.add("Stage \"" + stage.name + "\" skipped due to earlier failure(s)");
                    PipelineTestBase.StageRun skipped = new PipelineTestBase.StageRun(stage.name);
                    skipped.result = "NOT_BUILT";
                    skipped.endedAt = skipped.startedAt;
                    skipped.ended = skipped.started;
                    test.stageRuns.add(skipped);
                    continue;
                }
                failed = !runStage(stage);
            }
            runPost(model.post);
        });
    }

    private void runIn(Flow flow, Runnable body) {
        try {
            test.within(flow, () -> {
                body.run();
                return null;
            });
        } catch (Exception e) {
            throw Steps.<RuntimeException>sneaky(e);
        }
    }

    /** Runs a stage; false when it failed or was aborted (and so the build was). */
    private boolean runStage(StageModel stage) {
        PipelineTestBase.StageRun run = new PipelineTestBase.StageRun(stage.name);
        test.stageRuns.add(run);
        boolean[] passed = {true};
        try {
            runIn(withEnvironment(test.flow().inStage(run), stage.environment), () -> {
                if (stage.when != null) {
                    WhenCollector when = new WhenCollector();
                    collect(when, stage.when);
                    if (!when.pass) {
                        test.log.add("Stage \"" + stage.name + "\" skipped due to when conditional");
                        run.result = "NOT_BUILT";
                        return;
                    }
                }
                try {
                    if (stage.steps != null) {
                        script(stage.steps);
                    }
                } catch (Exception thrown) {
                    Throwable e = PipelineTestBase.unwrap(thrown);
                    // An abort ends the stage and the build with the interruption's result (ABORTED).
                    String result = e instanceof FlowInterruptedException i ? i.getResult() : "FAILURE";
                    test.log.add(result.equals("FAILURE") ? "ERROR: " + e.getMessage() : "Aborted: " + e.getMessage());
                    run.result = result;
                    test.worsenBuild(result);
                    test.lastError = e;
                    passed[0] = false;
                }
                runPost(stage.post);
            });
        } finally {
            run.endedAt = System.nanoTime();
            run.ended = java.time.Instant.now();
        }
        return passed[0];
    }

    private void runPost(Map<String, Closure<?>> conditions) {
        String result = test.buildResult();
        for (String condition : POST_CONDITIONS) {
            Closure<?> body = conditions.get(condition);
            boolean applies = switch (condition) {
                case "aborted" -> result.equals("ABORTED");
                case "failure" -> result.equals("FAILURE");
                case "success" -> result.equals("SUCCESS");
                case "unstable" -> result.equals("UNSTABLE");
                case "unsuccessful" -> !result.equals("SUCCESS");
                default -> true;
            };
            if (body != null && applies) {
                try {
                    script(body);
                } catch (Exception thrown) {
                    Throwable e = PipelineTestBase.unwrap(thrown);
                    test.log.add("ERROR: post " + condition + ": " + e.getMessage());
                    test.worsenBuild(e instanceof FlowInterruptedException i ? i.getResult() : "FAILURE");
                }
            }
        }
    }

    /**
     * {@code environment { NAME = 'value' }}: the block's assignments as variables of the stages it
     * covers (declarative wraps them in {@code withEnv}); reads see env, then the script.
     */
    private Flow withEnvironment(Flow flow, Closure<?> body) {
        if (body == null) {
            return flow;
        }
        Map<String, String> assigned = new LinkedHashMap<>();
        body.setResolveStrategy(Closure.DELEGATE_FIRST);
        body.setDelegate(new GroovyObjectSupport() {
            @Override
            public Object getProperty(String name) {
                return assigned.containsKey(name) ? assigned.get(name)
                        : test.env.containsKey(name) ? test.env.get(name) : test.getBinding().getVariable(name);
            }

            @Override
            public void setProperty(String name, Object value) {
                assigned.put(name, String.valueOf(value));
            }
        });
        script(body);
        return flow.withEnv(assigned);
    }
}
