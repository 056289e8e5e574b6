package dev.squall.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Parses {@code squall compile --specialize IDX=VALUE}: IDX is the 0-based Java parameter index
 * (a KernelContext counts), VALUE is read as the parameter's type (int, long, float, double or
 * boolean) into the boxed value that {@code KernelCompiler} binds. Failures are
 * {@link IllegalArgumentException}s naming the argument and what is wrong with it.
 */
final class Specializations {

    private Specializations() {
    }

    static Map<Integer, Object> parse(Method kernel, List<String> arguments) {
        Parameter[] params = kernel.getParameters();
        Map<Integer, Object> values = new TreeMap<>();
        Map<Integer, String> given = new TreeMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--specialize '" + argument + "': expected IDX=VALUE, e.g. 3=100");
            }
            String indexText = argument.substring(0, eq).strip();
            String valueText = argument.substring(eq + 1).strip();
            int index;
            try {
                index = Integer.parseInt(indexText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--specialize " + argument + ": '" + indexText
                        + "' is not a parameter index; " + describe(kernel), e);
            }
            if (index < 0 || index >= params.length) {
                throw new IllegalArgumentException("--specialize " + argument + ": no parameter " + index + "; "
                        + describe(kernel));
            }
            String earlier = given.put(index, argument);
            if (earlier != null) {
                throw new IllegalArgumentException("--specialize binds parameter " + index + " twice: " + earlier
                        + " and " + argument);
            }
            values.put(index, value(argument, params[index], index, valueText));
        }
        return values;
    }

    private static Object value(String argument, Parameter param, int index, String text) {
        Class<?> type = param.getType();
        try {
            if (type == int.class) {
                return Integer.parseInt(text);
            } else if (type == long.class) {
                return Long.parseLong(text);
            } else if (type == float.class) {
                return Float.parseFloat(text);
            } else if (type == double.class) {
                return Double.parseDouble(text);
            } else if (type == boolean.class) {
                if (text.equals("true") || text.equals("false")) {
                    return Boolean.parseBoolean(text);
                }
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--specialize " + argument + ": parameter " + index + " '"
                    + param.getName() + "' is " + withArticle(type) + " and '" + text + "' is not "
                    + withArticle(type) + (type == boolean.class ? " (true or false)" : ""), e);
        }
        throw new IllegalArgumentException("--specialize " + argument + ": parameter " + index + " '" + param.getName()
                + "' is " + withArticle(type) + "; only int, long, float, double and boolean parameters can be"
                + " specialised");
    }

    /** "an int", "a float", "a FloatArray". */
    private static String withArticle(Class<?> type) {
        String name = type.getSimpleName();
        return ("aeiouAEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    /** {@code vectorAdd has parameters 0 a (FloatArray), 1 b (FloatArray), 2 c (FloatArray)}. */
    private static String describe(Method kernel) {
        Parameter[] params = kernel.getParameters();
        if (params.length == 0) {
            return kernel.getName() + " has no parameters";
        }
        return kernel.getName() + " has parameters " + IntStream.range(0, params.length)
                .mapToObj(i -> i + " " + params[i].getName() + " (" + params[i].getType().getSimpleName() + ")")
                .collect(Collectors.joining(", "));
    }
}
