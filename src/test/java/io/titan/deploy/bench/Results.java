package io.titan.deploy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rows of the results table and the details behind them, written as JSON at the end. */
final class Results {

    /** One measured figure; {@code target} is null for figures that only explain others. */
    record Row(String scenario, String metric, double value, String unit, String target, Boolean met) {
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final Map<String, Object> scenarios = new LinkedHashMap<>();

    /** A figure held against a target: {@code met} says whether it reached it. */
    void target(String scenario, String metric, double value, String unit, String target, boolean met) {
        add(new Row(scenario, metric, value, unit, target, met));
    }

    /** A figure without a target (a component, a baseline). */
    void info(String scenario, String metric, double value, String unit) {
        add(new Row(scenario, metric, value, unit, null, null));
    }

    private synchronized void add(Row row) {
        rows.add(row);
        System.out.printf(Locale.ROOT, "  %-30s %-60s %9s %-3s%s%n", row.scenario(), row.metric(), format(row.value()),
                row.unit(), row.target() == null ? "" : "  target " + row.target() + (row.met() ? "  ok" : "  MISSED"));
    }

    synchronized void detail(String key, Object value) {
        details.put(key, value);
    }

    /** What a scenario records in the shape its issue asks for, under {@code scenarios.<name>}. */
    synchronized void scenario(String name, Object value) {
        scenarios.put(name, value);
    }

    void printTable(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-30s %-60s %9s %-3s %-32s %s%n", "scenario", "metric", "value", "", "target", "");
        out.println("-".repeat(143));
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-30s %-60s %9s %-3s %-32s %s%n", r.scenario(), r.metric(), format(r.value()),
                    r.unit(), r.target() == null ? "" : r.target(), r.met() == null ? "" : r.met() ? "ok" : "MISSED");
        }
    }

    void write(Path file, Map<String, Object> machine) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.set("machine", JSON.valueToTree(machine));
        root.set("results", JSON.valueToTree(rows));
        root.set("details", JSON.valueToTree(details));
        root.set("scenarios", JSON.valueToTree(scenarios));
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
