package io.titan.deploy.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exchange WebSocket checks against mockwebserver3 endpoints. */
class WebSocketCheckTest {

    private static final ValidationTimeouts SHORT = new ValidationTimeouts(
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(3));

    private WebSocketEndpoints endpoints;

    @BeforeEach
    void start() throws Exception {
        endpoints = new WebSocketEndpoints();
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    @Test
    void passesOnTheFirstMessageAfterSubscribingAndClosesWithCode1000() {
        String subscribe = "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":1}";
        CheckResult check = validate(ExchangeCheckSpec.required("binance", endpoints.url("/echo"), subscribe, "$.params"));

        assertThat(check.success()).as(check.message()).isTrue();
        assertThat(check.kind()).isEqualTo(CheckResult.Kind.WEBSOCKET);
        assertThat(check.message()).startsWith("first message has $.params");
        assertThat(endpoints.received()).containsExactly(subscribe);
        await().atMost(Duration.ofSeconds(2)).until(() -> endpoints.clientCloseCodes().contains(1000));
        assertThat(endpoints.upgradeCount("/echo")).isEqualTo(1);
    }

    @Test
    void anOpenSocketWithoutDataFailsAfterTheTimeoutWithoutReconnecting() {
        CheckResult check = validate(ExchangeCheckSpec.required("bybit", endpoints.url("/silent"), null, null));

        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("connected but no data within 1 s");
        assertThat(endpoints.upgradeCount("/silent")).isEqualTo(1);
    }

    @Test
    void aRejectedUpgradeReportsTheHttpStatus() {
        CheckResult check = validate(ExchangeCheckSpec.required("binance", endpoints.url("/reject"), null, null));

        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("upgrade rejected: HTTP 403, expected 101 Switching Protocols");
    }

    @Test
    void aServerClosingBeforeAnyDataIsReportedWithItsCloseCode() {
        CheckResult check = validate(ExchangeCheckSpec.required("binance", endpoints.url("/close"), null, null));

        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("closed by server before any data (code 1001, reason 'going away')");
    }

    @Test
    void anUnexpectedFirstMessageIsReportedWithWhatArrived() {
        CheckResult check = validate(ExchangeCheckSpec.required("binance", endpoints.url("/answer/0?m=maintenance"), null, "trade"));

        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("unexpected first message: expected it to contain 'trade', got maintenance");
    }

    @Test
    void aFailedOptionalExchangeIsAWarningThatDoesNotFailValidation() {
        ValidationSpec spec = new ValidationSpec(List.of(), Optional.empty(),
                List.of(new ExchangeCheckSpec("bybit", endpoints.url("/reject"), null, null, false)), SHORT);
        ValidationResult result;
        try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(), ValidationListener.NONE, Map.of())) {
            result = validator.validateDeployment();
        }

        assertThat(result.success()).isTrue();
        assertThat(result.warnings()).extracting(CheckResult::name).containsExactly("bybit");
        assertThat(result.checks().get(0).required()).isFalse();
    }

    @Test
    void expectMatchesJsonFieldsEvenWhenNullAndSubstringsOtherwise() {
        assertThat(WebSocketCheck.judge("$.result", "{\"result\":null,\"id\":1}").success()).isTrue();
        assertThat(WebSocketCheck.judge("$.data.s", "{\"topic\":\"trade\",\"data\":{\"s\":\"BTCUSDT\"}}").success()).isTrue();
        assertThat(WebSocketCheck.judge("$.data.s", "{\"data\":[1]}").success()).isFalse();
        assertThat(WebSocketCheck.judge("$.result", "result but not JSON").message())
                .startsWith("unexpected first message: expected a JSON object with field $.result");
        assertThat(WebSocketCheck.judge("\"success\":true", "{\"success\":true,\"ret_msg\":\"subscribe\"}").success()).isTrue();
        assertThat(WebSocketCheck.judge(null, "anything").success()).isTrue();
    }

    private CheckResult validate(ExchangeCheckSpec exchange) {
        ValidationSpec spec = new ValidationSpec(List.of(), Optional.empty(), List.of(exchange), SHORT);
        try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(), ValidationListener.NONE, Map.of())) {
            ValidationResult result = validator.validateDeployment();
            assertThat(result.checks()).hasSize(1);
            return result.checks().get(0);
        }
    }
}
