package dev.profilekit.benchmarks.report;

/** Prints the JMH class of every {@link Comparisons} entry, one per line, for run.sh. */
public final class ListComparisons {

    private ListComparisons() {
    }

    /** Prints the class names. */
    public static void main(String[] args) {
        Comparisons.ALL.stream().map(Comparison::benchmark).distinct().forEach(System.out::println);
    }
}
