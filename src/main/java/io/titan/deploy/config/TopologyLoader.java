package io.titan.deploy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Loads and validates topology YAML. Every problem is a {@link ConfigException} whose message
 * names the file and the field (and the line where the parser knows it); nothing is started.
 */
public final class TopologyLoader {

    /** Classpath resource of the bundled seven-service Titan topology. */
    public static final String DEFAULT_TOPOLOGY = "/io/titan/deploy/titan-topology.yaml";


    private final ObjectMapper yaml;

    public TopologyLoader() {
        this.yaml = new ObjectMapper(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Loads a topology file; relative paths in it resolve against its folder. */
    public Topology load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new ConfigException(file + ": is a directory, not a topology file: name the topology file in it");
        }
        if (!Files.isRegularFile(absolute)) {
            throw new ConfigException(file + ": no such config file");
        }
        try (InputStream in = Files.newInputStream(absolute)) {
            return load(file.toString(), absolute, in, absolute.getParent());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Loads the bundled Titan topology with its service folders under {@code serviceRoot}. */
    public Topology loadDefault(Path serviceRoot) {
        Path root = serviceRoot.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new ConfigException("--root: " + serviceRoot + " is not a directory");
        }
        try (InputStream in = TopologyLoader.class.getResourceAsStream(DEFAULT_TOPOLOGY)) {
            Objects.requireNonNull(in, "bundled topology missing from the jar");
            return load("bundled titan-topology.yaml (root " + root + ")", null, in, root);
        } catch (IOException e) {
            throw new ConfigException("bundled topology cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a topology from a stream.
     *
     * @param source  what to call it in messages (usually the file name)
     * @param baseDir folder relative paths resolve against
     */
    public Topology load(String source, InputStream in, Path baseDir) {
        return load(source, null, in, baseDir);
    }

    private Topology load(String source, Path file, InputStream in, Path baseDir) {
        RawTopology raw;
        try {
            raw = yaml.readValue(in, RawTopology.class);
        } catch (IOException e) {
            throw translate(source, e);
        }
        if (raw == null) {
            throw new ConfigException(source + ": is empty (expected a mapping with a 'services' key)");
        }
        return new TopologyValidation(source, file, baseDir).topology(raw);
    }

    private static ConfigException translate(String source, IOException e) {
        String where = source + line(e);
        if (e instanceof UnrecognizedPropertyException u) {
            String field = path(u);
            String parent = field.contains(".") ? field.substring(0, field.lastIndexOf('.')) : "";
            String known = u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
            return new ConfigException(where + ": " + (parent.isEmpty() ? "" : parent + ": ")
                    + "unknown field '" + u.getPropertyName() + "'" + known, e);
        }
        if (e instanceof MismatchedInputException m) {
            String field = path(m);
            if (field.isEmpty() && m.getOriginalMessage().contains("end-of-input")) {
                return new ConfigException(source + ": is empty (expected a mapping with a 'services' key)", e);
            }
            if (field.isEmpty()) {
                return new ConfigException(where + ": the file is not a YAML mapping (expected keys such as 'services')", e);
            }
            String expected = m.getTargetType() == null ? "another kind of value" : describe(m.getTargetType());
            return new ConfigException(where + ": " + field + ": expected " + expected, e);
        }
        if (e instanceof JsonProcessingException p) {
            return new ConfigException(where + ": " + p.getOriginalMessage(), e);
        }
        return new ConfigException(source + ": cannot be read: " + e.getMessage(), e);
    }

    private static String line(IOException e) {
        if (e instanceof JsonProcessingException p) {
            JsonLocation location = p.getLocation();
            if (location != null && location.getLineNr() > 0) {
                return " line " + location.getLineNr();
            }
        }
        return "";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "text";
    }
}
