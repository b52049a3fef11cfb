package io.titan.deploy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The format versions of the files the engine writes and reads back later, perhaps after an upgrade
 * (reports kept by Jenkins and in the state dir, release records, the release lease). Each such
 * file says its version in {@value #FIELD}. A file without it was written before versions existed:
 * it is version 1, and its reader fills in what that version did not write. A version goes up only
 * when a reader of the version before would misread the new file; fields added beside the old ones
 * keep it. A file of a version newer than its reader knows is refused, never guessed at.
 */
public final class FileFormat {

    /** The JSON field that holds a file's format version. */
    public static final String FIELD = "formatVersion";
    /** The version of files written before versions existed. */
    public static final int FIRST = 1;

    private FileFormat() {
    }

    /**
     * The version of the JSON object {@code file}: its {@value #FIELD}, or {@link #FIRST} when absent.
     *
     * @param what   how the message names the file, e.g. {@code /srv/titan/report.json: the report}
     * @param newest the newest version this engine reads (and writes)
     * @throws IllegalArgumentException naming the file and both versions when it is newer than
     *                                  {@code newest}, or when the field is not a positive whole number
     */
    public static int check(String what, JsonNode file, int newest) {
        JsonNode field = file.get(FIELD);
        if (field == null || field.isNull()) {
            return FIRST;
        }
        if (!field.canConvertToInt() || !field.isIntegralNumber() || field.asInt() < FIRST) {
            throw new IllegalArgumentException(what + ": field '" + FIELD + "' must be a whole number from " + FIRST
                    + ", was " + field);
        }
        int version = field.asInt();
        if (version > newest) {
            throw new IllegalArgumentException(newer(what, version, newest));
        }
        return version;
    }

    /** The words for a file of {@code version} that a reader of versions up to {@code newest} refuses. */
    public static String newer(String what, int version, int newest) {
        return what + " is of format version " + version + ", written by a newer titan-deploy; this one reads format"
                + " versions " + FIRST + " to " + newest + " and does not guess at the rest: read it with a titan-deploy"
                + " at least as new as the one that wrote it";
    }
}
