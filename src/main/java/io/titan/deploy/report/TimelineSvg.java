package io.titan.deploy.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Gantt-style timeline of a deployment: one row per service, grouped by dependency level
 * (level 0 at the top), a bar from start to ready (or to the failure), an arrow from the
 * dependency that was ready last to the service it let start, and the rollback window as a
 * hatched band. Everything is computed here, so the page needs no JavaScript.
 */
final class TimelineSvg {

    private static final int WIDTH = 1200;
    private static final int LABEL_COLUMN = 250;
    private static final int RIGHT_MARGIN = 24;
    private static final int TOP = 46;
    private static final int ROW = 30;
    private static final int BAR = 16;
    private static final int BOTTOM = 12;
    /** Rough advance of one 12 px character, to keep labels inside the drawing. */
    private static final double CHAR_WIDTH = 6.9;
    private static final int MAX_LABEL_CHARS = 70;
    private static final long[] TICK_STEPS_MS = {100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
        60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000};

    private final DeployReport report;
    private final List<ServiceReport> rows;
    private final Instant origin;
    private final long spanMs;

    private TimelineSvg(DeployReport report) {
        this.report = report;
        this.rows = ordered(report.services());
        this.origin = report.startedAt();
        Instant end = report.finishedAt();
        for (ServiceReport s : report.services()) {
            Optional<Instant> ended = s.endedAt();
            if (ended.isPresent() && ended.get().isAfter(end)) {
                end = ended.get();
            }
        }
        if (report.rollback() != null && report.rollback().finishedAt().isAfter(end)) {
            end = report.rollback().finishedAt();
        }
        this.spanMs = Math.max(1, Duration.between(origin, end).toMillis());
    }

    /** The {@code <svg>} element for {@code report}. */
    static String render(DeployReport report) {
        return new TimelineSvg(report).svg();
    }

    /**
     * Rows top to bottom: by level so dependency order reads downwards, then by start time so each
     * level reads left to right, then as listed. Services that never started go last in their level.
     */
    static List<ServiceReport> ordered(List<ServiceReport> services) {
        Map<ServiceReport, Integer> index = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            index.put(services.get(i), i);
        }
        List<ServiceReport> rows = new ArrayList<>(services);
        rows.sort(Comparator.comparingInt(ServiceReport::level)
                .thenComparing(ServiceReport::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(index::get));
        return rows;
    }

    private String svg() {
        int height = TOP + rows.size() * ROW + BOTTOM;
        StringBuilder svg = new StringBuilder(8192);
        svg.append("<svg class=\"timeline\" role=\"img\" aria-labelledby=\"tl-title tl-desc\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\n")
                .append("<title id=\"tl-title\">Deployment timeline</title>\n")
                .append("<desc id=\"tl-desc\">One bar per service from start to ready or failure, grouped by dependency level; ")
                .append(report.rollback() == null ? "no rollback" : "hatched band: rollback window")
                .append(".</desc>\n");
        levelBands(svg, height);
        axis(svg, height);
        rollbackBand(svg, height);
        connectors(svg);
        for (int i = 0; i < rows.size(); i++) {
            row(svg, rows.get(i), i);
        }
        return svg.append("</svg>\n").toString();
    }

    private double x(Instant at) {
        double fraction = Duration.between(origin, at).toMillis() / (double) spanMs;
        return LABEL_COLUMN + Math.max(0, Math.min(1, fraction)) * (WIDTH - LABEL_COLUMN - RIGHT_MARGIN);
    }

    private static double rowCentre(int index) {
        return TOP + index * ROW + ROW / 2.0;
    }

    /** Alternating background per dependency level, with the level written in the label column. */
    private void levelBands(StringBuilder svg, int height) {
        int first = 0;
        boolean shaded = false;
        while (first < rows.size()) {
            int level = rows.get(first).level();
            int last = first;
            while (last + 1 < rows.size() && rows.get(last + 1).level() == level) {
                last++;
            }
            double y = TOP + first * ROW;
            double h = (last - first + 1) * ROW;
            svg.append("<rect class=\"level-band\" x=\"0\" y=\"").append(num(y)).append("\" width=\"").append(WIDTH)
                    .append("\" height=\"").append(num(h)).append("\" fill=\"").append(shaded ? "#F3F5F8" : "#FFFFFF")
                    .append("\"/>\n");
            svg.append("<line x1=\"0\" x2=\"").append(WIDTH).append("\" y1=\"").append(num(y)).append("\" y2=\"")
                    .append(num(y)).append("\" stroke=\"#D5D9E0\"/>\n");
            svg.append("<text class=\"level\" x=\"10\" y=\"").append(num(y + 19)).append("\">L").append(level)
                    .append("</text>\n");
            shaded = !shaded;
            first = last + 1;
        }
        svg.append("<line x1=\"").append(LABEL_COLUMN).append("\" x2=\"").append(LABEL_COLUMN)
                .append("\" y1=\"").append(TOP - 6).append("\" y2=\"").append(height - BOTTOM)
                .append("\" stroke=\"#B8BEC8\"/>\n");
    }

    /** Grid lines and elapsed-time labels ({@code 0 s}, {@code 5 s}, ...) along the top. */
    private void axis(StringBuilder svg, int height) {
        long step = TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
        for (long candidate : TICK_STEPS_MS) {
            if (spanMs / candidate <= 10) {
                step = candidate;
                break;
            }
        }
        svg.append("<g class=\"axis\">\n");
        for (long t = 0; t <= spanMs; t += step) {
            double x = x(origin.plusMillis(t));
            svg.append("<line x1=\"").append(num(x)).append("\" x2=\"").append(num(x)).append("\" y1=\"")
                    .append(TOP - 6).append("\" y2=\"").append(height - BOTTOM).append("\" stroke=\"#E1E5EB\"/>\n");
            String anchor = t == 0 ? "start" : "middle";
            svg.append("<text x=\"").append(num(x)).append("\" y=\"").append(TOP - 12).append("\" text-anchor=\"")
                    .append(anchor).append("\">").append(tick(t, step)).append("</text>\n");
        }
        svg.append("<text class=\"axis-title\" x=\"10\" y=\"").append(TOP - 12)
                .append("\">service \u00b7 time since start</text>\n");
        svg.append("</g>\n");
    }

    private static String tick(long ms, long step) {
        if (step < 1_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long seconds = ms / 1000;
        if (step < 60_000) {
            return seconds + " s";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private void rollbackBand(StringBuilder svg, int height) {
        RollbackReport rollback = report.rollback();
        if (rollback == null) {
            return;
        }
        double x1 = x(rollback.startedAt());
        double x2 = Math.max(x1 + 3, x(rollback.finishedAt()));
        String label = (rollback.success() ? "rollback" : "rollback FAILED") + " \u00b7 "
                + Format.duration(rollback.duration().toMillis());
        svg.append("<g class=\"rollback\">\n<title>").append(Text.escape(label + (rollback.message() == null
                        ? "" : ": " + Text.redact(rollback.message())))).append("</title>\n")
                .append("<rect x=\"").append(num(x1)).append("\" y=\"").append(TOP - 30).append("\" width=\"")
                .append(num(x2 - x1)).append("\" height=\"").append(height - BOTTOM - TOP + 30)
                .append("\" fill=\"url(#tp-rollback)\" stroke=\"").append(Theme.BLUE)
                .append("\" stroke-dasharray=\"4 3\" stroke-width=\"1\"/>\n");
        double labelWidth = label.length() * CHAR_WIDTH + 12;
        double labelX = x1 + labelWidth <= WIDTH ? x1 : x2 - labelWidth;
        svg.append("<rect x=\"").append(num(labelX)).append("\" y=\"").append(TOP - 44).append("\" width=\"")
                .append(num(labelWidth)).append("\" height=\"16\" rx=\"3\" fill=\"")
                .append(rollback.success() ? Theme.BLUE : Theme.VERMILLION).append("\"/>\n")
                .append("<text class=\"rollback-label\" x=\"").append(num(labelX + 6)).append("\" y=\"")
                .append(TOP - 32).append("\">").append(Text.escape(label)).append("</text>\n</g>\n");
    }

    /**
     * An arrow from the dependency that finished last to the start of each service: that is the
     * dependency the engine waited for, which makes the critical path visible.
     */
    private void connectors(StringBuilder svg) {
        Map<String, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            rowOf.put(rows.get(i).name(), i);
        }
        svg.append("<g class=\"deps\" fill=\"none\" stroke=\"#7C828C\" stroke-width=\"1.2\">\n");
        for (int i = 0; i < rows.size(); i++) {
            ServiceReport service = rows.get(i);
            ServiceReport gate = null;
            Instant gateEnd = null;
            for (String dep : service.dependsOn()) {
                Integer depRow = rowOf.get(dep);
                if (depRow == null) {
                    continue;
                }
                Optional<Instant> end = rows.get(depRow).endedAt();
                if (end.isPresent() && (gateEnd == null || end.get().isAfter(gateEnd))) {
                    gate = rows.get(depRow);
                    gateEnd = end.get();
                }
            }
            if (gate == null) {
                continue;
            }
            double fromX = x(gateEnd);
            double fromY = rowCentre(rowOf.get(gate.name())) + BAR / 2.0;
            double toX = service.startedAt() != null ? x(service.startedAt()) : skippedX(service);
            double toY = rowCentre(i);
            double bendX = Math.max(fromX, toX - 8);
            svg.append("<path d=\"M").append(num(fromX)).append(' ').append(num(fromY))
                    .append(" V").append(num(toY)).append(" H").append(num(Math.max(bendX, toX - 1)))
                    .append("\" marker-end=\"url(#arrow)\"")
                    .append(service.startedAt() == null ? " stroke-dasharray=\"3 3\"" : "").append("/>\n");
        }
        svg.append("</g>\n");
    }

    /** Where a service that never started is drawn: when its last dependency ended, else at the start. */
    private double skippedX(ServiceReport service) {
        Instant at = origin;
        for (ServiceReport other : rows) {
            if (service.dependsOn().contains(other.name())) {
                Optional<Instant> end = other.endedAt();
                if (end.isPresent() && end.get().isAfter(at)) {
                    at = end.get();
                }
            }
        }
        return x(at) + 10;
    }

    private void row(StringBuilder svg, ServiceReport service, int index) {
        double cy = rowCentre(index);
        String name = Text.escape(service.name());
        svg.append("<g class=\"row status-").append(service.status().value()).append("\">\n");
        svg.append("<title>").append(Text.escape(tooltip(service))).append("</title>\n");
        svg.append("<text class=\"name\" x=\"40\" y=\"").append(num(cy + 4)).append("\">")
                .append(Text.escape(truncate(service.name(), 30))).append("</text>\n");
        if (service.startedAt() == null) {
            double x = skippedX(service);
            svg.append("<use href=\"#").append(Theme.icon(service.status())).append("\" x=\"").append(num(x))
                    .append("\" y=\"").append(num(cy - 8)).append("\" width=\"16\" height=\"16\"/>\n");
            placeLabel(svg, x - 10, x + 20, cy, barLabel(service));
        } else {
            double x1 = x(service.startedAt());
            Instant end = service.endedAt().orElse(report.finishedAt());
            double x2 = Math.max(x1 + 3, x(end));
            svg.append("<rect class=\"bar\" x=\"").append(num(x1)).append("\" y=\"").append(num(cy - BAR / 2.0))
                    .append("\" width=\"").append(num(x2 - x1)).append("\" height=\"").append(BAR)
                    .append("\" rx=\"3\" fill=\"url(#").append(Theme.pattern(service.status()))
                    .append(")\" stroke=\"").append(Theme.stroke(service.status())).append("\"/>\n");
            if (service.readyAt() != null) {
                // A tick at the moment the health check passed.
                svg.append("<path d=\"M").append(num(x2)).append(' ').append(num(cy - BAR / 2.0 - 3)).append(" V")
                        .append(num(cy + BAR / 2.0 + 3)).append("\" stroke=\"").append(Theme.stroke(service.status()))
                        .append("\" stroke-width=\"2\"/>\n");
            }
            placeLabel(svg, x1, x2, cy, barLabel(service));
        }
        outage(svg, service.downtime(), cy);
        outage(svg, service.restoreDowntime(), cy);
        svg.append("<desc>").append(name).append(": ").append(service.status().value()).append("</desc>\n");
        svg.append("</g>\n");
    }

    /** A red band where the service answered nothing (2 px at least, so that it shows); from and until go together. */
    private void outage(StringBuilder svg, DowntimeReport downtime, double cy) {
        if (downtime != null && downtime.from() != null) {
            double x1 = x(downtime.from());
            double x2 = Math.max(x1 + 2, x(downtime.until()));
            svg.append("<rect class=\"outage\" x=\"").append(num(x1)).append("\" y=\"").append(num(cy - BAR / 2.0 - 4))
                    .append("\" width=\"").append(num(x2 - x1)).append("\" height=\"").append(BAR + 8)
                    .append("\" fill=\"#D93F3F\"><title>").append(Text.escape(downtime.text())).append("</title></rect>\n");
        }
    }

    /**
     * Puts a label right of the mark from {@code x1} to {@code x2} when it fits, else left of it, else
     * over it: SVG text does not wrap, and text past the right edge would be cut off.
     */
    private static void placeLabel(StringBuilder svg, double x1, double x2, double cy, String text) {
        double width = text.length() * CHAR_WIDTH;
        if (x2 + 6 + width <= WIDTH) {
            label(svg, x2 + 6, cy, text, "start");
        } else if (x1 - 6 - width >= LABEL_COLUMN) {
            label(svg, x1 - 6, cy, text, "end");
        } else {
            label(svg, WIDTH - 2, cy, text, "end");
        }
    }

    private static void label(StringBuilder svg, double x, double cy, String text, String anchor) {
        svg.append("<text class=\"bar-label\" x=\"").append(num(x)).append("\" y=\"").append(num(cy + 4))
                .append("\" text-anchor=\"").append(anchor).append("\">").append(Text.escape(text)).append("</text>\n");
    }

    private static String barLabel(ServiceReport service) {
        String duration = Format.duration(service.durationMs());
        String label = switch (service.status()) {
            case DEPLOYED -> "ready in " + duration;
            case HEALTHY -> "ready in " + duration + " \u00b7 soak not done";
            case UNCHANGED -> service.startedAt() == null ? "unchanged" : "unchanged \u00b7 " + duration;
            case FAILED -> "FAILED after " + duration;
            case ROLLED_BACK -> (service.readyAt() == null ? "" : "ready in " + duration + " \u00b7 ") + "ROLLED BACK";
            case SKIPPED -> "skipped" + (service.message() == null ? "" : ": " + Text.redact(service.message()));
            case PENDING, DEPLOYING -> "pending";
        };
        return truncate(label, MAX_LABEL_CHARS);
    }

    private static String tooltip(ServiceReport service) {
        StringBuilder text = new StringBuilder(service.name()).append(" \u2014 ").append(service.status().value());
        if (service.startedAt() != null) {
            text.append("; started ").append(Format.clock(service.startedAt()));
        }
        if (service.readyAt() != null) {
            text.append(", ready ").append(Format.clock(service.readyAt()));
        }
        if (service.startedAt() != null) {
            text.append(" (").append(Format.duration(service.durationMs())).append(')');
        }
        if (service.message() != null) {
            text.append("; ").append(Text.redact(service.message()));
        }
        return text.toString();
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
