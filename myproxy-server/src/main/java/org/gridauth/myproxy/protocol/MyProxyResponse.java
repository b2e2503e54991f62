package org.gridauth.myproxy.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server reply: {@code VERSION=MYPROXYv2}, {@code RESPONSE=0|1|2} and further lines, ending in a NUL byte.
 *
 * @param code  0 OK, 1 ERROR, 2 AUTHORIZATION challenge
 * @param lines further {@code KEY=VALUE} lines in order
 */
public record MyProxyResponse(int code, List<String> lines) {

    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int AUTHORIZATION = 2;

    public MyProxyResponse {
        lines = List.copyOf(lines);
    }

    public static MyProxyResponse ok() {
        return new MyProxyResponse(OK, List.of());
    }

    /** OK with information lines (INFO, GET_TRUSTROOTS). */
    public static MyProxyResponse ok(List<String> lines) {
        return new MyProxyResponse(OK, lines);
    }

    /** An error; each line of the text becomes one ERROR= line, as the reference server sends it. */
    public static MyProxyResponse error(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                lines.add("ERROR=" + line.replaceAll("\\p{Cntrl}", " "));
            }
        }
        return new MyProxyResponse(ERROR, lines);
    }

    public static MyProxyResponse authorization(List<String> methods) {
        return new MyProxyResponse(AUTHORIZATION, methods.stream().map(m -> "AUTHORIZATION_DATA=" + m).toList());
    }

    public byte[] encode() {
        StringBuilder out = new StringBuilder("VERSION=").append(MyProxyRequest.VERSION).append('\n');
        out.append("RESPONSE=").append(code).append('\n');
        for (String line : lines) {
            out.append(line).append('\n');
        }
        out.append('\0');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a reply (used by gridauth's own client). */
    public static MyProxyResponse parse(byte[] message) throws ProtocolException {
        String text = new String(message, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        Integer code = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("RESPONSE=")) {
                try {
                    code = Integer.parseInt(line.substring("RESPONSE=".length()).trim());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("RESPONSE is not a number");
                }
            } else if (!line.startsWith("VERSION=") && line.contains("=")) {
                lines.add(line);
            }
        }
        if (code == null) {
            throw new ProtocolException("the reply has no RESPONSE line");
        }
        return new MyProxyResponse(code, lines);
    }

    /** The value of the first line with this key, or null. */
    public String value(String key) {
        return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst().orElse(null);
    }

    /** The ERROR lines joined by newlines. */
    public String errorText() {
        return String.join("\n", lines.stream().filter(l -> l.startsWith("ERROR=")).map(l -> l.substring(6)).toList());
    }

    /** Info lines for one credential, prefixed CRED_ (the first) or CRED_<name>_ (additional ones). */
    public static List<String> credentialInfo(String prefix, Map<String, String> values) {
        List<String> lines = new ArrayList<>();
        values.forEach((k, v) -> {
            if (v != null) {
                lines.add(prefix + k + "=" + v.replace('\n', ' '));
            }
        });
        return lines;
    }
}
