package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JunitXmlTest {

    @TempDir
    Path dir;

    @Test
    void failedAndRolledBackDeployCountsFailuresAndSkips() throws Exception {
        Path file = dir.resolve("junit/deploy.xml");
        JunitXml.write(file, SampleReports.failedAndRolledBack());

        Document doc = parse(Files.readAllBytes(file));
        Element suite = doc.getDocumentElement();

        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("name")).isEqualTo("titan-deploy");
        assertThat(suite.getAttribute("tests")).isEqualTo("7");
        assertThat(suite.getAttribute("failures")).isEqualTo("3");
        assertThat(suite.getAttribute("skipped")).isEqualTo("4");
        assertThat(suite.getAttribute("time")).isEqualTo("41.400");
        assertThat(testcases(doc)).extracting(e -> e.getAttribute("name")).containsExactly(
                "titan-shared", "titan-security", "titan-brain", "titan-execution", "titan-phase1-scavenger",
                "titan-ai-quant", "titan-console");
        assertThat(testcases(doc)).allSatisfy(e -> assertThat(e.getAttribute("classname")).isEqualTo("titan.deploy"));

        Element brain = testcase(doc, "titan-brain");
        assertThat(brain.getAttribute("time")).isEqualTo("30.000");
        assertThat(child(brain, "failure").getAttribute("message")).isEqualTo("failed: " + SampleReports.BRAIN_FAILURE);
        assertThat(child(testcase(doc, "titan-shared"), "failure").getAttribute("message"))
                .startsWith("rolled back: deployed, then restored to the previous release");
        assertThat(child(testcase(doc, "titan-console"), "skipped").getAttribute("message"))
                .isEqualTo("skipped: not started: dependency titan-brain failed");
        NodeList systemErr = suite.getElementsByTagName("system-err");
        Element suiteErr = (Element) systemErr.item(systemErr.getLength() - 1);
        assertThat(suiteErr.getParentNode()).isSameAs(suite);
        assertThat(suiteErr.getTextContent()).isEqualTo(SampleReports.BRAIN_FAILURE);
    }

    @Test
    void eachDeployedServiceSaysHowLongItWasUnavailableAndARolledBackOneItsRestoresToo() throws Exception {
        Document deployed = parse(JunitXml.render(SampleReports.successfulDeploy()));
        Element execution = testcase(deployed, "titan-execution");
        Element console = testcase(deployed, "titan-console");
        Document rolledBack = parse(JunitXml.render(SampleReports.failedAndRolledBack()));

        assertThat(execution.getElementsByTagName("property").item(0).getAttributes().getNamedItem("value")
                .getTextContent()).isEqualTo("380");
        assertThat(execution.getElementsByTagName("system-out").item(0).getTextContent())
                .endsWith("; unavailable 380 ms (19 failed probes)");
        assertThat(console.getElementsByTagName("property").getLength()).as("not measured is no figure").isZero();
        assertThat(console.getElementsByTagName("system-out").item(0).getTextContent())
                .endsWith("; downtime: not measured (no health check)");
        assertThat(testcase(rolledBack, "titan-shared").getElementsByTagName("failure").item(0).getTextContent())
                .contains("restore: unavailable 412 ms (21 failed probes)");
    }

    @Test
    void aFailedServicesLastLinesGoToItsFailureAndByStreamToItsSystemOutAndErr() throws Exception {
        Document doc = parse(JunitXml.render(SampleReports.failedAndRolledBack()));
        Element brain = testcase(doc, "titan-brain");

        assertThat(child(brain, "failure").getTextContent()).isEqualTo("failed: " + SampleReports.BRAIN_FAILURE
                + "\n\nlast 6 lines of titan-brain's output (UTC):\n"
                + "out 2026-11-26T03:12:09.420Z titan-brain 2.8.0 starting (NODE_ENV=production)\n"
                + "out 2026-11-26T03:12:09.590Z risk engine: connecting to redis://:***@127.0.0.1:6379/0\n"
                + "err 2026-11-26T03:12:09.612Z Error: connect ECONNREFUSED 127.0.0.1:6380 (risk-engine replica)\n"
                + "err 2026-11-26T03:12:09.613Z     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n"
                + "out 2026-11-26T03:12:24.620Z health: 503, risk engine not ready (attempt 4 of 6)\n"
                + "err 2026-11-26T03:12:39.160Z risk engine: giving up after 6 attempts; serving 503\n");
        assertThat(child(brain, "system-out").getTextContent()).isEqualTo(
                "2026-11-26T03:12:09.420Z titan-brain 2.8.0 starting (NODE_ENV=production)\n"
                + "2026-11-26T03:12:09.590Z risk engine: connecting to redis://:***@127.0.0.1:6379/0\n"
                + "2026-11-26T03:12:24.620Z health: 503, risk engine not ready (attempt 4 of 6)\n");
        assertThat(child(brain, "system-err").getTextContent()).startsWith("2026-11-26T03:12:09.612Z Error:")
                .endsWith("giving up after 6 attempts; serving 503\n");
        assertThat(testcase(doc, "titan-shared").getElementsByTagName("system-out").getLength()).isZero();
    }

    @Test
    void outputThatTriesToBreakTheXmlStaysText() throws Exception {
        Element failed = testcase(parse(JunitXml.render(HostileReports.deploy())), HostileReports.SCRIPT_NAME);

        assertThat(child(failed, "failure").getTextContent()).contains("</pre></td></tr><script>alert(9)</script>");
        assertThat(child(failed, "system-out").getTextContent()).contains("]]> & <![CDATA[ \"x\" ").endsWith(" end\n");
    }

    @Test
    void aNamedRunGetsASuiteOfItsOwnAndKeepsItsTestCaseClassNames() throws Exception {
        Document deploy = parse(JunitXml.render(SampleReports.successfulDeploy(), "prod-a"));
        Document validate = parse(JunitXml.render(SampleReports.validation(), "prod-a quick"));
        Document unnamed = parse(JunitXml.render(SampleReports.successfulDeploy(), null));
        Document hostile = parse(JunitXml.render(SampleReports.successfulDeploy(), "a\"<b>&\u0001"));

        assertThat(deploy.getDocumentElement().getAttribute("name")).isEqualTo("titan-deploy (prod-a)");
        assertThat(validate.getDocumentElement().getAttribute("name")).isEqualTo("titan-validate (prod-a quick)");
        assertThat(unnamed.getDocumentElement().getAttribute("name")).isEqualTo("titan-deploy");
        assertThat(hostile.getDocumentElement().getAttribute("name")).isEqualTo("titan-deploy (a\"<b>&)");
        // Jenkins keys a test's history by class and name: those do not change with the run's name.
        assertThat(testcases(deploy)).allSatisfy(e -> assertThat(e.getAttribute("classname")).isEqualTo("titan.deploy"));
    }

    @Test
    void successfulDeployHasNoFailures() throws Exception {
        Document doc = parse(JunitXml.render(SampleReports.successfulDeploy()));

        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(doc.getDocumentElement().getAttribute("skipped")).isEqualTo("0");
        assertThat(doc.getElementsByTagName("failure").getLength()).isZero();
        assertThat(testcases(doc)).hasSize(7);
    }

    @Test
    void unchangedServicesPassAndPendingOnesAreSkipped() throws Exception {
        DeployReport sample = SampleReports.successfulDeploy();
        DeployReport report = new DeployReport(false, "r2", false, "interrupted", Outcome.FAILED,
                sample.startedAt(), sample.finishedAt(), 10, null, List.of(
                new ServiceReport("a", ServiceStatus.UNCHANGED, 0, List.of(), null, null, 0, 0, null),
                new ServiceReport("b", ServiceStatus.PENDING, 1, List.of("a"), null, null, 0, 0, null)));

        Document doc = parse(JunitXml.render(report));

        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(doc.getDocumentElement().getAttribute("skipped")).isEqualTo("1");
        assertThat(testcase(doc, "a").getChildNodes().getLength()).isZero();
        assertThat(child(testcase(doc, "b"), "skipped").getAttribute("message")).startsWith("pending");
    }

    @Test
    void validationFailsRequiredChecksAndWarnsOnOptionalOnes() throws Exception {
        Path file = dir.resolve("validate.xml");
        JunitXml.write(file, SampleReports.validation());

        Document doc = parse(Files.readAllBytes(file));

        assertThat(doc.getDocumentElement().getAttribute("name")).isEqualTo("titan-validate");
        assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("8");
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(1);
        Element brain = testcase(doc, "titan-brain");
        assertThat(brain.getAttribute("classname")).isEqualTo("titan.validate.http");
        assertThat(child(brain, "failure").getAttribute("message"))
                .isEqualTo("http://127.0.0.1:3000/health: no answer within 5 s");
        Element bybit = testcase(doc, "bybit");
        assertThat(bybit.getAttribute("classname")).isEqualTo("titan.validate.websocket");
        assertThat(bybit.getElementsByTagName("failure").getLength()).isZero();
        assertThat(child(bybit, "system-out").getTextContent()).startsWith("WARNING: optional check failed")
                .contains("no data message within 10 s");
        assertThat(testcase(doc, "redis").getAttribute("classname")).isEqualTo("titan.validate.redis");
        assertThat(testcase(doc, "titan-execution").getAttribute("time")).isEqualTo("0.003");
    }

    @Test
    void hostileTextIsEscapedAndControlCharactersDropped() throws Exception {
        String name = "<svc name=\"x\" & 'y'>\u0001\u001b[31m";
        String message = "boom ]]> <failure/> & \"quoted\" \u0000 done\uD800";
        DeployReport sample = SampleReports.successfulDeploy();
        DeployReport report = new DeployReport(false, "r&<1>", false, message, Outcome.FAILED, sample.startedAt(),
                sample.finishedAt(), 10, null, List.of(
                new ServiceReport(name, ServiceStatus.FAILED, 0, List.of(), sample.startedAt(), null, 5, 0, message)));

        Document doc = parse(JunitXml.render(report));

        Element testcase = testcases(doc).get(0);
        assertThat(testcase.getAttribute("name")).isEqualTo("<svc name=\"x\" & 'y'>[31m");
        assertThat(child(testcase, "failure").getAttribute("message"))
                .isEqualTo("failed: boom ]]> <failure/> & \"quoted\"  done");
        assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(1);
    }

    @Test
    void passwordsInTargetsAreMasked() throws Exception {
        ValidateReport sample = SampleReports.validation();
        ValidateReport report = new ValidateReport(false, sample.startedAt(), 5, List.of(new CheckReport("redis",
                CheckKind.REDIS, "redis://admin:hunter2@10.0.0.5:6379", true, false, 5, "WRONGPASS for password=hunter2")));

        String xml = JunitXml.render(report);

        assertThat(xml).doesNotContain("hunter2").contains("redis://admin:***@10.0.0.5:6379");
        parse(xml);
    }

    @Test
    void statusHasATestcasePerTopologyServiceAndFailsTheOnesNotOnlineSayingWhy() throws Exception {
        Path file = dir.resolve("pm2-status-junit.xml");
        JunitXml.write(file, SampleReports.status());

        Document doc = parse(Files.readAllBytes(file));
        Element suite = doc.getDocumentElement();

        assertThat(suite.getAttribute("name")).isEqualTo("titan-pm2-status");
        assertThat(suite.getAttribute("tests")).isEqualTo("7");
        assertThat(suite.getAttribute("failures")).isEqualTo("2");
        // One testcase per service even in cluster mode (titan-execution runs two processes); apps the
        // topology does not declare (legacy-feed) are no testcase.
        assertThat(testcases(doc)).extracting(e -> e.getAttribute("name"))
                .containsExactlyElementsOf(SampleReports.SERVICES);
        assertThat(testcases(doc)).allSatisfy(e -> assertThat(e.getAttribute("classname")).isEqualTo("titan.pm2"));
        assertThat(child(testcase(doc, "titan-console"), "failure").getAttribute("message"))
                .isEqualTo("titan-console is stopped in PM2 after 3 restarts");
        assertThat(child(testcase(doc, "titan-ai-quant"), "failure").getAttribute("message"))
                .isEqualTo("titan-ai-quant is not in PM2: never started on this target, or deleted");
        assertThat(child(testcase(doc, "titan-ai-quant"), "failure").getAttribute("type")).isEqualTo("missing");
        assertThat(testcase(doc, "titan-execution").getElementsByTagName("failure").getLength()).isZero();
        assertThat(testcase(doc, "titan-execution").getTextContent()).contains("online, pid 41003", "online, pid 41004");
    }

    @Test
    void statusFailsAServiceOfWhichOneClusterProcessIsDownOrOnlineWithoutAPid() throws Exception {
        StatusReport report = new StatusReport("t.yaml", SampleReports.T0, List.of(
                new ProcessReport("a", true, true, "online", 10L, 1L, 0, 0, 0.0, 0L, null),
                new ProcessReport("a", true, true, "errored", 0L, 0L, 10, 10, 0.0, 0L, null),
                new ProcessReport("b", true, true, "online", 0L, 0L, 0, 0, 0.0, 0L, null)));

        Document doc = parse(JunitXml.render(report));

        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("2");
        assertThat(child(testcase(doc, "a"), "failure").getAttribute("message"))
                .isEqualTo("a is errored in PM2 after 10 restarts");
        assertThat(child(testcase(doc, "b"), "failure").getAttribute("message"))
                .isEqualTo("b is online in PM2 but without a process (pid 0)");
    }

    private static Document parse(String xml) throws Exception {
        return parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static List<Element> testcases(Document doc) {
        NodeList nodes = doc.getElementsByTagName("testcase");
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> (Element) nodes.item(i)).toList();
    }

    private static Element testcase(Document doc, String name) {
        return testcases(doc).stream().filter(e -> e.getAttribute("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no testcase " + name));
    }

    private static Element child(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertThat(nodes.getLength()).as("<%s> in testcase %s", tag, parent.getAttribute("name")).isEqualTo(1);
        return (Element) nodes.item(0);
    }
}
