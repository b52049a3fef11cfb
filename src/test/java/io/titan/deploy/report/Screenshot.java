package io.titan.deploy.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** A decoded PNG screenshot and the few facts the tests check about it. */
final class Screenshot {

    private final BufferedImage image;
    private final Map<Integer, Integer> histogram = new HashMap<>();

    private Screenshot(BufferedImage image) {
        this.image = image;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                histogram.merge(image.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
            }
        }
    }

    static Screenshot read(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new AssertionError(png + " is not an image ImageIO can decode");
            }
            return new Screenshot(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int width() {
        return image.getWidth();
    }

    int height() {
        return image.getHeight();
    }

    int distinctColours() {
        return histogram.size();
    }

    /** Share of pixels that differ from the most common colour (the page background). */
    double inkRatio() {
        int background = histogram.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return 1.0 - background / (double) (image.getWidth() * image.getHeight());
    }

    /**
     * Share of pixels whose colour differs between this screenshot and {@code other}, which must have
     * the same size: 0 for identical renderings, 1 when no pixel matches.
     */
    double differingShare(Screenshot other) {
        if (other.width() != width() || other.height() != height()) {
            throw new AssertionError("screenshots differ in size: " + width() + "x" + height() + " and "
                    + other.width() + "x" + other.height());
        }
        long differing = 0;
        for (int y = 0; y < height(); y++) {
            for (int x = 0; x < width(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != (other.image.getRGB(x, y) & 0xFFFFFF)) {
                    differing++;
                }
            }
        }
        return differing / (double) (width() * height());
    }

    /** How many pixels are within {@code tolerance} per channel of {@code rgb}. */
    int pixelsNear(int rgb, int tolerance) {
        int count = 0;
        for (Map.Entry<Integer, Integer> e : histogram.entrySet()) {
            int c = e.getKey();
            if (Math.abs(((c >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) <= tolerance
                    && Math.abs(((c >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) <= tolerance
                    && Math.abs((c & 0xFF) - (rgb & 0xFF)) <= tolerance) {
                count += e.getValue();
            }
        }
        return count;
    }
}
