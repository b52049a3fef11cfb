package io.titan.deploy.report;

/**
 * How an HTML page carries its styles.
 *
 * <p>Jenkins serves archived artifacts and {@code publishHTML} pages with the header
 * {@code Content-Security-Policy: sandbox allow-same-origin; default-src 'none'; img-src 'self';
 * style-src 'self';} (the default since Jenkins 2.414.2). It drops every {@code <style>} element
 * and {@code style=""} attribute, so only {@link #LINKED} pages keep their look there.
 */
public enum PageStyle {

    /**
     * The page links {@value HtmlPage#STYLESHEET}, written into the same folder: what Jenkins shows
     * as the author meant it. Copy or archive the two files together.
     */
    LINKED,

    /**
     * One self-contained file with the stylesheet in a {@code <style>} element, for e-mail or a
     * file opened from disk. Under Jenkins' CSP it loses every style.
     */
    INLINE
}
