package io.titan.jenkins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a step runs, as Jenkins gives each step its {@code StepContext}: the node and workspace of
 * the innermost {@code node} block, the directory of the innermost {@code dir} ({@code FilePath}),
 * the variables of the enclosing {@code withEnv}/{@code withCredentials}/{@code node} blocks
 * ({@code EnvironmentExpander}), and the stages it is inside. A block step gives its body a child
 * context; a {@code parallel} branch starts from a copy of its parent's, so what one branch's
 * {@code dir} or {@code withEnv} sets never reaches another, as in Jenkins. Immutable; the chain of
 * parents is how an interruption finds the steps inside the block it stops ({@code timeout}, a
 * {@code parallel} branch, the whole build).
 *
 * @param parent    the enclosing context, or null for the build's
 * @param agent     the node, or null outside any
 * @param workspace the node block's workspace
 * @param cwd       where file steps and {@code sh} run
 * @param env       the variables blocks added, over the build's {@code env}
 * @param stages    the stages it is inside, outermost first
 */
record Flow(Flow parent, Agents.Agent agent, Path workspace, Path cwd, Map<String, String> env,
            List<PipelineTestBase.StageRun> stages) {

    Flow {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        stages = List.copyOf(stages);
    }

    /** The build's context: on {@code agent} in {@code workspace}, with the node's variables. */
    static Flow root(Agents.Agent agent, Path workspace) {
        return new Flow(null, agent, workspace, workspace, nodeEnv(agent, workspace), List.of());
    }

    static Map<String, String> nodeEnv(Agents.Agent agent, Path workspace) {
        Map<String, String> env = new LinkedHashMap<>(agent.env);
        env.put("NODE_NAME", agent.name);
        env.put("NODE_LABELS", agent.nodeLabels());
        env.put("WORKSPACE", workspace.toString());
        return env;
    }

    /** A block's body in the same place. */
    Flow child() {
        return new Flow(this, agent, workspace, cwd, env, stages);
    }

    Flow inDir(Path dir) {
        return new Flow(this, agent, workspace, dir, env, stages);
    }

    Flow withEnv(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(more);
        return new Flow(this, agent, workspace, cwd, merged, stages);
    }

    Flow onNode(Agents.Agent node, Path nodeWorkspace) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(nodeEnv(node, nodeWorkspace));
        return new Flow(this, node, nodeWorkspace, nodeWorkspace, merged, stages);
    }

    Flow inStage(PipelineTestBase.StageRun stage) {
        List<PipelineTestBase.StageRun> more = new ArrayList<>(stages);
        more.add(stage);
        return new Flow(this, agent, workspace, cwd, env, more);
    }

    /** The innermost stage, or null. */
    PipelineTestBase.StageRun stage() {
        return stages.isEmpty() ? null : stages.get(stages.size() - 1);
    }

    /** Whether this context is {@code scope} or inside it. */
    boolean within(Flow scope) {
        for (Flow f = this; f != null; f = f.parent) {
            if (f == scope) {
                return true;
            }
        }
        return false;
    }
}
