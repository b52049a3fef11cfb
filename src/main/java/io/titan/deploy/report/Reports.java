package io.titan.deploy.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.FileFormat;
import io.titan.deploy.config.HostSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes JSON reports.
 *
 * <p>Reading is strict about what the report means (every field of the record must be present,
 * {@code null} where nullable; enum values and instants must parse) and lenient about what it does
 * not know: unknown fields are ignored, so a Jenkins library reading reports from a newer engine
 * keeps working. Every failure names the file.
 *
 * <p>Reports carry a format version ({@link FileFormat}): {@value #FORMAT_VERSION} since services
 * name their host and a service can be {@code healthy} (its soak left to a step of its own). A
 * report without one (version 1, written before hosts existed) is read with each service on the
 * one local host; a report of a newer version is refused.
 */
public final class Reports {

    /** The format version of the reports this engine writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Reports() {
    }

    /**
     * Writes {@code report} as pretty-printed JSON, atomically (temporary file, then rename),
     * creating parent directories as needed.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path file, Report report) {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, toJson(report));
    }

    /** {@code report} as pretty-printed JSON with a trailing newline. */
    public static String toJson(Report report) {
        Objects.requireNonNull(report, "report");
        return json(report, true, report.type() + " report") + System.lineSeparator();
    }

    /**
     * Writes the status report's JSON, the array of its processes (as {@code status --json} prints
     * it, but pretty-printed), atomically.
     */
    public static void write(Path file, StatusReport report) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(report, "report");
        AtomicFiles.write(file, json(report.processes(), true, "status report") + System.lineSeparator());
    }

    /** The status report's processes as a JSON array on one line: {@code status --json}. */
    public static String toJsonLine(StatusReport report) {
        Objects.requireNonNull(report, "report");
        return json(report.processes(), false, "status report");
    }

    /** The history's releases, newest first, as a JSON array on one line: {@code history --json}. */
    public static String toJsonLine(HistoryReport report) {
        Objects.requireNonNull(report, "report");
        return json(report.releases(), false, "history");
    }

    private static String json(Object value, boolean pretty, String what) {
        try {
            return pretty ? MAPPER.writeValueAsString(value) : MAPPER.writer().withoutFeatures(
                    SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a deploy report.
     *
     * @throws IllegalArgumentException when the file is not valid JSON or not a deploy report
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static DeployReport readDeploy(Path file) {
        return convert(file, readTree(file), DeployReport.TYPE, DeployReport.class);
    }

    /**
     * Reads a validate report.
     *
     * @throws IllegalArgumentException when the file is not valid JSON or not a validate report
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static ValidateReport readValidate(Path file) {
        return convert(file, readTree(file), ValidateReport.TYPE, ValidateReport.class);
    }

    /**
     * Reads a deploy or validate report, whichever its {@code type} field says it is.
     *
     * @throws IllegalArgumentException when the file is not valid JSON, or its {@code type} is
     *                                  neither {@code deploy} nor {@code validate}, or the content
     *                                  does not match its type
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static Report read(Path file) {
        JsonNode tree = readTree(file);
        String type = typeOf(file, tree);
        switch (type) {
            case DeployReport.TYPE:
                return convert(file, tree, DeployReport.TYPE, DeployReport.class);
            case ValidateReport.TYPE:
                return convert(file, tree, ValidateReport.TYPE, ValidateReport.class);
            default:
                throw new IllegalArgumentException(file + ": field 'type' is '" + type
                        + "', expected 'deploy' or 'validate'");
        }
    }

    private static JsonNode readTree(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            JsonNode tree = MAPPER.readTree(Files.readAllBytes(file));
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException(file + ": expected a JSON object with a 'type' field");
            }
            withDefaults(tree, FileFormat.check(file + ": the report", tree, FORMAT_VERSION));
            return tree;
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("report file " + file + " does not exist", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What earlier reports did not write, filled in: a report of version 1 ran every service on the
     * one local host; reports written before services carried their output lines have no
     * {@code output}, and read as services without lines (the release history keeps older reports);
     * reports written before downtime was measured have no {@code downtime} or
     * {@code restoreDowntime}, and read as services whose downtime nobody measured (null).
     */
    private static void withDefaults(JsonNode report, int version) {
        for (JsonNode service : report.path("services")) {
            if (service instanceof ObjectNode fields) {
                if (version == FileFormat.FIRST && !fields.has("host")) {
                    fields.put("host", HostSpec.LOCAL);
                }
                if (!fields.has("output")) {
                    fields.putArray("output");
                }
                for (String measured : List.of("downtime", "restoreDowntime")) {
                    if (!fields.has(measured)) {
                        fields.putNull(measured);
                    }
                }
            }
        }
    }

    private static String typeOf(Path file, JsonNode tree) {
        JsonNode type = tree.get("type");
        if (type == null || type.isNull()) {
            throw new IllegalArgumentException(file + ": field 'type' is missing, expected 'deploy' or 'validate'");
        }
        if (!type.isTextual()) {
            throw new IllegalArgumentException(file + ": field 'type' must be a string but was " + type);
        }
        return type.asText();
    }

    private static <T extends Report> T convert(Path file, JsonNode tree, String expectedType, Class<T> kind) {
        String type = typeOf(file, tree);
        if (!type.equals(expectedType)) {
            throw new IllegalArgumentException(file + ": field 'type' is '" + type + "', expected '"
                    + expectedType + "'");
        }
        try {
            return MAPPER.treeToValue(tree, kind);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a valid " + expectedType + " report"
                    + location(e) + ": " + rootMessage(e), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a valid " + expectedType + " report: "
                    + e.getMessage(), e);
        }
    }

    /** The JSON path of the failing field, e.g. {@code  at services[2].status}. */
    private static String location(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)
                || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return " at field '" + path + "'";
    }

    /** The constructor's own message when a record rejected its input, else Jackson's. */
    private static String rootMessage(JsonProcessingException e) {
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
            return cause.getMessage();
        }
        return e.getOriginalMessage();
    }
}
