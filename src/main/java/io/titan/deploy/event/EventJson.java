package io.titan.deploy.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * An event as one JSON object: {@code type}, {@code at} (ISO-8601), then the record's components
 * in declaration order, durations as {@code durationMs} (a null duration too, as null).
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {
    }

    /** The event as a JSON tree. */
    public static ObjectNode toJson(DeploymentEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", event.type());
        node.put("at", event.at().toString());
        for (RecordComponent component : event.getClass().getRecordComponents()) {
            String name = component.getName();
            if (name.equals("at")) {
                continue;
            }
            Object value;
            try {
                value = component.getAccessor().invoke(event);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + name + " of " + event.type(), e);
            }
            // A duration's key says its unit, null (not measured) included.
            put(node, component.getType() == Duration.class ? millisKey(name) : name, value);
        }
        return node;
    }

    /**
     * Lines a service printed, as events, reports and {@code release service --json} write them:
     * {@code [{"stream":"err","time":"2026-12-07T05:05:45.112Z","text":"..."}]}.
     */
    public static ArrayNode toJson(List<OutputLine> lines) {
        ArrayNode array = MAPPER.createArrayNode();
        lines.forEach(line -> array.add(toJson(line)));
        return array;
    }

    private static ObjectNode toJson(OutputLine line) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("stream", line.stream().value());
        node.put("time", line.time().toString());
        node.put("text", line.text());
        return node;
    }

    /** One line of NDJSON, without the newline. */
    public static String toLine(DeploymentEvent event) {
        return toJson(event).toString();
    }

    private static String millisKey(String name) {
        return name.equals("duration") ? "durationMs" : name + "Ms";
    }

    private static void put(ObjectNode node, String name, Object value) {
        if (value == null) {
            node.putNull(name);
        } else if (value instanceof Duration d) {
            node.put(name, d.toMillis());
        } else if (value instanceof Instant i) {
            node.put(name, i.toString());
        } else if (value instanceof Boolean b) {
            node.put(name, b);
        } else if (value instanceof Integer n) {
            node.put(name, n);
        } else if (value instanceof Long n) {
            node.put(name, n);
        } else if (value instanceof Collection<?> c) {
            ArrayNode array = node.putArray(name);
            c.forEach(item -> {
                if (item instanceof OutputLine line) {
                    array.add(toJson(line));
                } else {
                    array.add(String.valueOf(item));
                }
            });
        } else {
            node.put(name, value.toString());
        }
    }
}
