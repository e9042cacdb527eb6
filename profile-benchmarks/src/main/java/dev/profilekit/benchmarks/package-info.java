/** JMH benchmarks. */
package dev.profilekit.benchmarks;
