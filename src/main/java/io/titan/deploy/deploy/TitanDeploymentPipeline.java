package io.titan.deploy.deploy;

import io.titan.deploy.config.Topology;
import io.titan.deploy.validate.DeploymentValidator;
import io.titan.deploy.validate.Pm2StatusSource;
import io.titan.deploy.validate.ValidationListener;
import io.titan.deploy.validate.ValidationResult;
import io.titan.deploy.validate.ValidationSpecs;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The seed's TitanDeploymentPipeline: deploy, then validate the running release, and roll it back
 * when validation fails. Validation runs only when the topology has a {@code validation:} section.
 */
public final class TitanDeploymentPipeline {

    private final Topology topology;
    private final String host;
    private final DeploymentOrchestrator orchestrator;
    private final Pm2StatusSource pm2Status;
    private final ValidationListener listener;
    private final Map<String, String> environment;

    public TitanDeploymentPipeline(Topology topology, DeploymentOrchestrator orchestrator, Pm2StatusSource pm2Status,
                                   ValidationListener listener, Map<String, String> environment) {
        this(topology, topology.hostOrOnly(null).name(), orchestrator, pm2Status, listener, environment);
    }

    /** For one host of a topology with several: validation covers that host's services. */
    public TitanDeploymentPipeline(Topology topology, String host, DeploymentOrchestrator orchestrator,
                                   Pm2StatusSource pm2Status, ValidationListener listener,
                                   Map<String, String> environment) {
        this.topology = topology;
        this.host = host;
        this.orchestrator = orchestrator;
        this.pm2Status = pm2Status;
        this.listener = listener;
        this.environment = Map.copyOf(environment);
    }

    /**
     * What a production deployment did.
     *
     * @param deployment the deployment, rolled back when validation failed
     * @param validation the validation of the deployed release, or null when none ran
     */
    public record Outcome(DeploymentResult deployment, ValidationResult validation) {
    }

    /** Deploys and, unless {@code validate} is false or the topology has no validation section, validates. */
    public Outcome deployToProduction(DeployOptions options, boolean validate) {
        if (!validate || topology.validation() == null) {
            return new Outcome(orchestrator.deploy(options), null);
        }
        AtomicReference<ValidationResult> validation = new AtomicReference<>();
        DeploymentResult result = orchestrator.deploy(options, deployed -> {
            try (DeploymentValidator validator = new DeploymentValidator(ValidationSpecs.of(topology, host), pm2Status,
                    listener, environment)) {
                ValidationResult v = validator.validateDeployment();
                validation.set(v);
                return v.success() ? Optional.empty() : Optional.of("validation failed: " + v.failures().stream()
                        .map(c -> c.name() + " (" + c.message() + ")").collect(Collectors.joining("; ")));
            }
        });
        return new Outcome(result, validation.get());
    }
}
