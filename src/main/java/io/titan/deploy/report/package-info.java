/**
 * What a deployment or validation run leaves behind for people and for Jenkins: the JSON report
 * ({@link io.titan.deploy.report.Reports}), JUnit XML for Jenkins' {@code junit} step
 * ({@link io.titan.deploy.report.JunitXml}) and a self-contained HTML page with a per-service
 * timeline ({@link io.titan.deploy.report.HtmlReport}).
 *
 * <p>The records here are the report's wire format: their JSON field names are a contract with the
 * Jenkins library, which reads the files the CLI writes. This package depends on nothing else in
 * the engine so that every other package can produce reports without cycles.
 */
package io.titan.deploy.report;
