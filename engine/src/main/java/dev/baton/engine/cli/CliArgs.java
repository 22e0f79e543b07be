package dev.baton.engine.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed command line: {@code --flag value} (or {@code --flag=value}), {@code --switch}, and positionals in order;
 * {@code --} ends the flags. Unknown or repeated flags and missing values are {@link CliUsageException}s naming the
 * flag, as are the typed getters' bad numbers.
 */
public final class CliArgs {
    private final Map<String, String> values;
    private final Set<String> switchesGiven;
    private final List<String> positionals;

    private CliArgs(Map<String, String> values, Set<String> switchesGiven, List<String> positionals) {
        this.values = values;
        this.switchesGiven = switchesGiven;
        this.positionals = positionals;
    }

    /** Parses {@code args} against the flags a command accepts (names without dashes). */
    public static CliArgs parse(List<String> args, Set<String> valueFlags, Set<String> switches) {
        Map<String, String> values = new HashMap<>();
        Set<String> given = new TreeSet<>();
        List<String> positionals = new ArrayList<>();
        boolean flagsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (flagsEnded || !arg.startsWith("--")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                flagsEnded = true;
                continue;
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (values.containsKey(name) || given.contains(name)) {
                throw new CliUsageException("--" + name + " given twice");
            }
            if (valueFlags.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new CliUsageException("--" + name + " needs a value");
                    }
                    inline = args.get(++i);
                }
                values.put(name, inline);
            } else if (switches.contains(name)) {
                if (inline != null) {
                    throw new CliUsageException("--" + name + " takes no value");
                }
                given.add(name);
            } else {
                Set<String> known = new TreeSet<>(valueFlags);
                known.addAll(switches);
                throw new CliUsageException("unknown flag --" + name
                        + (known.isEmpty() ? " (this command takes no flags)" : " (known: --" + String.join(", --", known) + ")"));
            }
        }
        return new CliArgs(values, given, List.copyOf(positionals));
    }

    public static CliArgs parse(String[] args, Set<String> valueFlags, Set<String> switches) {
        return parse(Arrays.asList(args), valueFlags, switches);
    }

    /** True when the switch or value flag was given. */
    public boolean has(String flag) {
        return switchesGiven.contains(flag) || values.containsKey(flag);
    }

    public Optional<String> value(String flag) {
        return Optional.ofNullable(values.get(flag));
    }

    public String value(String flag, String defaultValue) {
        return values.getOrDefault(flag, defaultValue);
    }

    public String required(String flag) {
        String v = values.get(flag);
        if (v == null) {
            throw new CliUsageException("missing --" + flag);
        }
        return v;
    }

    public int intValue(String flag, int defaultValue) {
        String v = values.get(flag);
        return v == null ? defaultValue : parseInt(flag, v);
    }

    public long longValue(String flag, long defaultValue) {
        String v = values.get(flag);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new CliUsageException("--" + flag + " needs an integer, got '" + v + "'");
        }
    }

    public float floatValue(String flag, float defaultValue) {
        String v = values.get(flag);
        if (v == null) {
            return defaultValue;
        }
        try {
            float f = Float.parseFloat(v.strip());
            if (!Float.isFinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new CliUsageException("--" + flag + " needs a number, got '" + v + "'");
        }
    }

    /** A comma-separated list of integers ({@code --batch 1,4,16}), or {@code defaultValue} when absent. */
    public int[] intList(String flag, int... defaultValue) {
        String v = values.get(flag);
        if (v == null) {
            return defaultValue.clone();
        }
        String[] parts = v.split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parseInt(flag, parts[i]);
        }
        return out;
    }

    /** The value of a flag that must be one of {@code choices}. */
    public String choice(String flag, String defaultValue, List<String> choices) {
        String v = values.getOrDefault(flag, defaultValue);
        if (v == null) {
            throw new CliUsageException("missing --" + flag + " (one of " + String.join(", ", choices) + ")");
        }
        if (!choices.contains(v)) {
            throw new CliUsageException("--" + flag + " must be one of " + String.join(", ", choices) + ", got '" + v + "'");
        }
        return v;
    }

    public List<String> positionals() {
        return positionals;
    }

    /**
     * Checks that exactly the named positionals were given and returns them in order; the names appear in the
     * error message ({@code expected IN OUT}).
     */
    public List<String> requirePositionals(String... names) {
        if (positionals.size() != names.length) {
            String expected = names.length == 0 ? "no positional arguments" : String.join(" ", names);
            throw new CliUsageException("expected " + expected + ", got "
                    + (positionals.isEmpty() ? "none" : String.join(" ", positionals)));
        }
        return positionals;
    }

    private static int parseInt(String flag, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new CliUsageException("--" + flag + " needs an integer, got '" + v + "'");
        }
    }
}
