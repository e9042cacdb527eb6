/**
 * Builds BENCHMARKS.md from a run's JMH JSON and the memory and accuracy figures: {@link
 * dev.profilekit.benchmarks.report.BenchmarksReport} (the generator), {@link
 * dev.profilekit.benchmarks.report.Comparisons} (the peer tables), {@link
 * dev.profilekit.benchmarks.report.QualityChecks} (the peers' accuracy).
 */
package dev.profilekit.benchmarks.report;
