package dev.scratchnet.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A sweep's grid: {@code KEY=V1,V2,...} per {@code --grid}, a key being a {@code train} flag's name without
 * its dashes. Values are split at commas, or at {@code |} where a value holds commas ({@code layers}, or
 * any value list with a {@code |} in it). Runs are every combination, the last key varying fastest, each
 * for every seed.
 */
record Grid(Map<String, List<String>> axes, List<Long> seeds) {

    /** Flags a sweep sets itself, or that make no sense per run. */
    static final Set<String> RESERVED = Set.of("seed", "save", "metrics", "checkpoint", "resume", "spark", "workers",
            "average-every", "dashboard", "port", "threads", "data", "mirror", "help", "version", "h", "V");

    /** One run: its name (its directory under the sweep's folder), its grid values and its seed. */
    record Run(String name, Map<String, String> values, long seed) implements java.io.Serializable {
    }

    /**
     * Parses the {@code --grid} items against the train flags {@code isFlag} knows; a one-line error for an
     * unreadable item, an unknown or reserved key, a key given twice, or an empty value list or value.
     */
    static Grid parse(List<String> items, List<Long> seeds, Predicate<String> isFlag) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("give at least one --grid KEY=V1,V2 (e.g. --grid eta=0.1,0.5)");
        }
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--grid " + item + ": expected KEY=V1,V2,... (e.g. eta=0.1,0.5)");
            }
            String key = item.substring(0, eq).trim();
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("--grid " + item + ": '" + key + "' cannot be swept"
                        + (key.equals("seed") ? "; use --seeds 1,2,3" : "; the sweep sets it for every run"));
            }
            if (!isFlag.test(key)) {
                throw new IllegalArgumentException("--grid " + item + ": unknown key '" + key
                        + "'; keys are train flags without their dashes (eta, batch, optimizer, dropout, layers, ...:"
                        + " see ./scratchnet train --help)");
            }
            if (axes.containsKey(key)) {
                throw new IllegalArgumentException("--grid " + key + " is given twice; list all its values in one --grid");
            }
            axes.put(key, values(key, item.substring(eq + 1), item));
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds needs at least one seed");
        }
        return new Grid(axes, List.copyOf(seeds));
    }

    private static List<String> values(String key, String text, String item) {
        boolean bars = text.contains("|") || key.equals("layers");
        List<String> values = new ArrayList<>();
        for (String v : text.split(bars ? "\\|" : ",", -1)) {
            values.add(v.trim());
        }
        if (text.isBlank() || values.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("--grid " + item + ": " + (text.isBlank() ? "no values" : "an empty value")
                    + "; give KEY=V1,V2,..." + (bars ? " (values that hold commas separated by |)" : ""));
        }
        if (values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException("--grid " + item + ": a value is listed twice");
        }
        return values;
    }

    /** Every combination of the grid's values, for every seed, in a fixed order with stable names. */
    List<Run> runs() {
        List<Map<String, String>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : combinations) {
                for (String value : axis.getValue()) {
                    Map<String, String> c = new LinkedHashMap<>(partial);
                    c.put(axis.getKey(), value);
                    next.add(c);
                }
            }
            combinations = next;
        }
        List<Run> runs = new ArrayList<>();
        for (Map<String, String> c : combinations) {
            for (long seed : seeds) {
                runs.add(new Run(name(c, seed), Map.copyOf(c), seed));
            }
        }
        long distinct = runs.stream().map(Run::name).distinct().count();
        if (distinct != runs.size()) {
            throw new IllegalArgumentException("two runs of this grid would share a folder name; "
                    + "use values that differ in letters or digits");
        }
        return runs;
    }

    /** {@code eta=0.1_batch=10_seed=1}; characters other than letters, digits, '.', '+' and '-' become '-'. */
    static String name(Map<String, String> values, long seed) {
        StringBuilder name = new StringBuilder();
        values.forEach((key, value) -> name.append(key).append('=').append(value.replaceAll("[^A-Za-z0-9.+-]", "-"))
                .append('_'));
        return name.append("seed=").append(seed).toString();
    }
}
