package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;

/**
 * Colours, fill patterns and icons shared by the HTML page and its SVG timeline.
 *
 * <p>Colours come from the Okabe–Ito palette, which stays distinguishable for the common forms of
 * colour blindness. Colour is never the only signal: every status also has its own fill pattern
 * (solid, stripes, cross-hatch, dots, outline) and icon shape, and is written out as text, so the
 * report survives a greyscale printer and a red/green-blind operator.
 */
final class Theme {

    static final String ORANGE = "#E69F00";
    static final String SKY_BLUE = "#56B4E9";
    static final String BLUISH_GREEN = "#009E73";
    static final String YELLOW = "#F0E442";
    static final String BLUE = "#0072B2";
    static final String VERMILLION = "#D55E00";
    static final String REDDISH_PURPLE = "#CC79A7";
    static final String GREY = "#8A8F98";

    private Theme() {
    }

    /** Main colour of a status (bar fill, icon). */
    static String colour(ServiceStatus status) {
        return switch (status) {
            case DEPLOYED -> BLUISH_GREEN;
            case FAILED -> VERMILLION;
            case ROLLED_BACK -> ORANGE;
            case UNCHANGED -> SKY_BLUE;
            case PENDING, DEPLOYING, HEALTHY -> REDDISH_PURPLE;
            case SKIPPED -> GREY;
        };
    }

    /** Darker outline of a status, so bars have an edge on white paper. */
    static String stroke(ServiceStatus status) {
        return switch (status) {
            case DEPLOYED -> "#00654A";
            case FAILED -> "#8F3F00";
            case ROLLED_BACK -> "#9A6B00";
            case UNCHANGED -> "#2C7FB0";
            case PENDING, DEPLOYING, HEALTHY -> "#8E4F73";
            case SKIPPED -> "#6B7079";
        };
    }

    /** Id of the SVG fill pattern of a status. */
    static String pattern(ServiceStatus status) {
        // A service not yet decided looks pending, whichever step it reached.
        return status == ServiceStatus.DEPLOYING || status == ServiceStatus.HEALTHY ? "tp-pending" : "tp-" + status.value();
    }

    /** Id of the SVG icon symbol of a status. */
    static String icon(ServiceStatus status) {
        return "i-" + status.value();
    }

    /** Inline SVG that shows symbol {@code id} at {@code size} px, hidden from screen readers (text follows). */
    static String useIcon(String id, int size) {
        return "<svg class=\"icon\" width=\"" + size + "\" height=\"" + size
                + "\" viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\"><use href=\"#" + id
                + "\"/></svg>";
    }

    /**
     * One invisible SVG holding every pattern and icon, referenced by id from the rest of the page.
     * It is sized to zero rather than {@code display:none}, which stops some engines from painting
     * patterns defined inside it.
     */
    static String definitions() {
        return """
                <svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">
                <defs>
                <pattern id="tp-deployed" width="8" height="8" patternUnits="userSpaceOnUse">
                  <rect width="8" height="8" fill="%1$s"/></pattern>
                <pattern id="tp-failed" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                  <rect width="7" height="7" fill="%6$s"/>
                  <path d="M0 3.5H7M3.5 0V7" stroke="#fff" stroke-opacity=".6" stroke-width="1.6"/></pattern>
                <pattern id="tp-rolled-back" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                  <rect width="7" height="7" fill="%2$s"/>
                  <rect width="2.6" height="7" fill="#fff" fill-opacity=".55"/></pattern>
                <pattern id="tp-unchanged" width="6" height="6" patternUnits="userSpaceOnUse">
                  <rect width="6" height="6" fill="%3$s"/>
                  <circle cx="3" cy="3" r="1.3" fill="#fff" fill-opacity=".7"/></pattern>
                <pattern id="tp-pending" width="6" height="6" patternUnits="userSpaceOnUse">
                  <rect width="6" height="6" fill="%4$s"/>
                  <rect width="2" height="6" fill="#fff" fill-opacity=".55"/></pattern>
                <pattern id="tp-skipped" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
                  <rect width="6" height="6" fill="#fff"/>
                  <rect width="1.2" height="6" fill="%7$s" fill-opacity=".6"/></pattern>
                <pattern id="tp-rollback" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                  <rect width="10" height="10" fill="%5$s" fill-opacity=".07"/>
                  <rect width="3" height="10" fill="%5$s" fill-opacity=".16"/></pattern>
                <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                  <path d="M0 0L8 4L0 8z" fill="#7C828C"/></marker>
                <symbol id="i-deployed" viewBox="0 0 20 20">
                  <circle cx="10" cy="10" r="9" fill="%1$s"/>
                  <path d="M5.5 10.4l3 3 6-6.6" fill="none" stroke="#fff" stroke-width="2.3" stroke-linecap="round" stroke-linejoin="round"/></symbol>
                <symbol id="i-failed" viewBox="0 0 20 20">
                  <circle cx="10" cy="10" r="9" fill="%6$s"/>
                  <path d="M6.4 6.4l7.2 7.2M13.6 6.4l-7.2 7.2" stroke="#fff" stroke-width="2.3" stroke-linecap="round"/></symbol>
                <symbol id="i-rolled-back" viewBox="0 0 20 20">
                  <circle cx="10" cy="10" r="9" fill="%2$s"/>
                  <path d="M6.3 8.2A4.6 4.6 0 1 1 6.6 13" fill="none" stroke="#fff" stroke-width="2.1" stroke-linecap="round"/>
                  <path d="M4.4 4.9l1.6 4.2 4.1-1.7z" fill="#fff"/></symbol>
                <symbol id="i-unchanged" viewBox="0 0 20 20">
                  <circle cx="10" cy="10" r="9" fill="%3$s"/>
                  <path d="M6 8h8M6 12h8" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/></symbol>
                <symbol id="i-pending" viewBox="0 0 20 20">
                  <circle cx="10" cy="10" r="9" fill="%4$s"/>
                  <circle cx="6" cy="10" r="1.5" fill="#fff"/><circle cx="10" cy="10" r="1.5" fill="#fff"/>
                  <circle cx="14" cy="10" r="1.5" fill="#fff"/></symbol>
                <symbol id="i-skipped" viewBox="0 0 20 20">
                  <circle cx="10" cy="10" r="8.2" fill="#fff" stroke="%7$s" stroke-width="1.8" stroke-dasharray="3 2"/>
                  <path d="M6 14L14 6" stroke="%7$s" stroke-width="2" stroke-linecap="round"/></symbol>
                <symbol id="i-warning" viewBox="0 0 20 20">
                  <path d="M10 1.8L19 17.6H1z" fill="%8$s" stroke="#6B5E00" stroke-width="1.2" stroke-linejoin="round"/>
                  <path d="M10 7v5" stroke="#1F1F1F" stroke-width="2.1" stroke-linecap="round"/>
                  <circle cx="10" cy="14.8" r="1.2" fill="#1F1F1F"/></symbol>
                <symbol id="i-alert" viewBox="0 0 20 20">
                  <path d="M6.3 1h7.4L19 6.3v7.4L13.7 19H6.3L1 13.7V6.3z" fill="%6$s"/>
                  <path d="M10 5v6.2" stroke="#fff" stroke-width="2.3" stroke-linecap="round"/>
                  <circle cx="10" cy="14.6" r="1.4" fill="#fff"/></symbol>
                </defs>
                </svg>
                """.formatted(BLUISH_GREEN, ORANGE, SKY_BLUE, REDDISH_PURPLE, BLUE, VERMILLION, GREY, YELLOW);
    }
}
