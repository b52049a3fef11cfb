package io.titan.deploy.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.event.DeploymentEvent.DeploymentStarted;
import io.titan.deploy.event.DeploymentEvent.ServiceDeployed;
import io.titan.deploy.event.DeploymentEvent.ServiceFailed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void listenersGetTheirTypeAndCatchAllListenersGetEverything() {
        List<String> deployed = new ArrayList<>();
        List<String> all = new ArrayList<>();
        EventBus bus = new EventBus()
                .on("service:deployed", e -> deployed.add(e.service()))
                .onAny(e -> all.add(e.type()));

        bus.emit(new DeploymentStarted(T0, "r1", List.of("a", "b")));
        bus.emit(new ServiceDeployed(T0, "r1", "a", Duration.ofMillis(5), true, Duration.ZERO, 0));
        bus.emit(new ServiceFailed(T0, "r1", "b", "crashed"));

        assertThat(deployed).containsExactly("a");
        assertThat(all).containsExactly("deployment:started", "service:deployed", "service:failed");
    }

    @Test
    void aServicesOutputIsAnArrayOfLinesWithStreamTimeAndText() throws Exception {
        List<OutputLine> lines = List.of(new OutputLine(OutputLine.Stream.OUT, T0, "starting"),
                new OutputLine(OutputLine.Stream.ERR, T0.plusMillis(12), "exiting \\x1b \"quoted\""));

        JsonNode json = new ObjectMapper().readTree(EventJson.toLine(
                new DeploymentEvent.ServiceOutput(T0.plusMillis(20), "r1", "api", lines)));

        assertThat(json.get("type").asText()).isEqualTo("service:output");
        assertThat(json.get("service").asText()).isEqualTo("api");
        assertThat(json.get("lines").toString()).isEqualTo("[{\"stream\":\"out\",\"time\":\"2026-11-26T12:00:00Z\","
                + "\"text\":\"starting\"},{\"stream\":\"err\",\"time\":\"2026-11-26T12:00:00.012Z\","
                + "\"text\":\"exiting \\\\x1b \\\"quoted\\\"\"}]");
        assertThat(EventJson.toJson(lines)).isEqualTo(json.get("lines"));
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        List<RuntimeException> errors = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        EventBus bus = new EventBus(errors::add)
                .onAny(e -> {
                    throw new IllegalStateException("boom");
                })
                .onAny(e -> seen.add(e.type()));

        bus.emit(new ServiceFailed(T0, "r1", "b", "x"));

        assertThat(seen).containsExactly("service:failed");
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
    }

    @Test
    void writesOneJsonObjectPerLineWithTypeAtAndService(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.ndjson");
        try (NdjsonEventWriter writer = new NdjsonEventWriter(file)) {
            EventBus bus = new EventBus().onAny(writer);
            bus.emit(new DeploymentStarted(T0, "r1", List.of("a")));
            bus.emit(new ServiceDeployed(T0.plusSeconds(1), "r1", "a", Duration.ofMillis(1234), true,
                    Duration.ofMillis(380), 19));
            bus.emit(new ServiceDeployed(T0.plusSeconds(2), "r1", "b", Duration.ofMillis(50), true, null, null));
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode started = mapper.readTree(lines.get(0));
        assertThat(started.get("type").asText()).isEqualTo("deployment:started");
        assertThat(started.get("at").asText()).isEqualTo("2026-11-26T12:00:00Z");
        assertThat(started.get("services").get(0).asText()).isEqualTo("a");
        JsonNode deployed = mapper.readTree(lines.get(1));
        assertThat(deployed.get("type").asText()).isEqualTo("service:deployed");
        assertThat(deployed.get("service").asText()).isEqualTo("a");
        assertThat(deployed.get("durationMs").asLong()).isEqualTo(1234);
        assertThat(deployed.get("releaseId").asText()).isEqualTo("r1");
        assertThat(deployed.get("downtimeMs").asLong()).isEqualTo(380);
        assertThat(deployed.get("failedProbes").asInt()).isEqualTo(19);
        JsonNode notMeasured = mapper.readTree(lines.get(2));
        assertThat(notMeasured.get("downtimeMs").isNull()).as("a downtime not measured is null, never 0").isTrue();
        assertThat(notMeasured.get("failedProbes").isNull()).isTrue();
    }

    @Test
    void everyEventTypeKeepsTheSeedsNamingScheme() {
        for (Class<?> type : DeploymentEvent.class.getPermittedSubclasses()) {
            assertThat(type.isRecord()).as(type.getSimpleName()).isTrue();
        }
        assertThat(new DeploymentEvent.Pm2Started(T0, "/tmp/pm2").type()).isEqualTo("pm2:started");
        assertThat(new DeploymentEvent.ValidationCompleted(T0, true, Duration.ZERO).type())
                .isEqualTo("validation:completed");
    }
}
