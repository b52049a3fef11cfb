package io.titan.deploy.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Chromium's {@code --dump-dom} output. That output is the browser's own serialisation, in
 * which a literal {@code <} only ever starts a tag or comment (text {@code <} is written
 * {@code &lt;}), so tags can be found reliably with a pattern.
 */
final class Dom {

    private static final Pattern TAG = Pattern.compile("<([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>");
    private static final Pattern RAW_TEXT = Pattern.compile("(?is)<(style|script)\\b[^>]*>.*?</\\1>");
    private static final Pattern ANY_MARKUP = Pattern.compile("(?s)<!--.*?-->|<[^>]*>");

    private Dom() {
    }

    /** Lower-case names of every element, in document order. */
    static List<String> elements(String dom) {
        List<String> names = new ArrayList<>();
        Matcher m = TAG.matcher(dom);
        while (m.find()) {
            names.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Attribute names of every element, lower-case (to look for {@code on*} handlers). */
    static List<String> attributeNames(String dom) {
        List<String> names = new ArrayList<>();
        Matcher m = TAG.matcher(dom);
        Pattern attribute = Pattern.compile("\\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=\"[^\"]*\")?");
        while (m.find()) {
            Matcher a = attribute.matcher(m.group(2));
            while (a.find()) {
                names.add(a.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** The text a person sees (and screen readers read), with entities decoded and space collapsed. */
    static String text(String dom) {
        String withoutRaw = RAW_TEXT.matcher(dom).replaceAll(" ");
        String text = ANY_MARKUP.matcher(withoutRaw).replaceAll(" ");
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
        return text.replaceAll("\\s+", " ");
    }
}
