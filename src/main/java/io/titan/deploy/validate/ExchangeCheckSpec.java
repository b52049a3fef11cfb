package io.titan.deploy.validate;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One exchange market-data WebSocket. The check opens exactly one connection per run, never retries
 * (exchanges ban IPs that reconnect fast), and passes only when the first data message arrives and
 * meets {@code expect}.
 *
 * <p>{@code expect} is matched against the first data message (text, or binary decoded as UTF-8):
 * <ul>
 *   <li>{@code null}: any first message passes;</li>
 *   <li>starting with {@code $.}: a dot-separated path of JSON object field names, e.g.
 *       {@code $.result} or {@code $.data.s}; the message must be a JSON object in which that field is
 *       present (a JSON {@code null} value counts as present, so Binance's {@code {"result":null,"id":1}}
 *       subscribe acknowledgement matches {@code $.result});</li>
 *   <li>anything else: a case-sensitive substring of the message text.</li>
 * </ul>
 *
 * @param name      exchange name, used as the check name, e.g. {@code binance}
 * @param url       {@code ws://} or {@code wss://} URL
 * @param subscribe text message sent right after the upgrade, or {@code null} for streams that push
 *                  without one
 * @param expect    what the first message must contain (see above), or {@code null}
 * @param required  whether a failure fails the validation; {@code false} makes it a warning
 */
public record ExchangeCheckSpec(String name, String url, String subscribe, String expect, boolean required) {

    /** Rejects a blank name, a non-WebSocket URL and a blank (rather than absent) subscribe or expect. */
    public ExchangeCheckSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("exchanges[].name must not be blank");
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("exchanges[" + name + "].url must not be blank");
        }
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("exchanges[" + name + "].url is not a URL: " + e.getReason());
        }
        if (!"ws".equalsIgnoreCase(parsed.getScheme()) && !"wss".equalsIgnoreCase(parsed.getScheme())
                || parsed.getHost() == null) {
            throw new IllegalArgumentException("exchanges[" + name + "].url must be ws://host/... or wss://host/...");
        }
        if (subscribe != null && subscribe.isBlank()) {
            throw new IllegalArgumentException("exchanges[" + name + "].subscribe must be absent or non-blank");
        }
        if (expect != null && (expect.isEmpty() || expect.equals("$."))) {
            throw new IllegalArgumentException("exchanges[" + name + "].expect must be absent, a substring or $.field");
        }
    }

    /** A required exchange. */
    public static ExchangeCheckSpec required(String name, String url, String subscribe, String expect) {
        return new ExchangeCheckSpec(name, url, subscribe, expect, true);
    }

    /** The URL with any user info masked, for reports. */
    String maskedUrl() {
        URI parsed = URI.create(url);
        if (parsed.getRawUserInfo() == null) {
            return url;
        }
        return url.replace(parsed.getRawUserInfo() + "@", Texts.MASK + "@");
    }
}
