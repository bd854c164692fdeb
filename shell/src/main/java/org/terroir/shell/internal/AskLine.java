package org.terroir.shell.internal;

import java.util.Set;

/**
 * {@code ask} takes the rest of its line as the question, as a person types it: {@code ask Pourquoi le ciel est bleu ?}
 * or {@code ask C'est quoi * ?}. Gogo reads a line before any command sees it — {@code ?} and {@code *} are file
 * patterns to it ("no matches found") and a lone {@code '} opens a quote — so the line is rewritten before Gogo
 * reads it, in the same place as {@link WindowsPaths#protect} (the console's line parser and the launcher's
 * {@code -c} scripts): after {@code ask} and its options, the rest of the line becomes one double-quoted word, its
 * {@code \}, {@code "} and {@code $} escaped, and each {@code '} put outside the double quotes (Gogo's expander reads
 * one inside them as a quote), so that the command gets exactly what was typed. A question already written as one
 * quoted word is left as it is, and so are the other commands.
 */
public final class AskLine {
    /** The options of {@code ask} that take a value (the others are flags). */
    private static final Set<String> VALUED = Set.of("-m", "--model", "-n", "--max-tokens", "-t", "--temperature",
            "--top-p", "--seed", "-s", "--system");
    private static final Set<String> FLAGS = Set.of("--raw");

    private AskLine() {
    }

    /** The line with each {@code ask} question quoted; the same string when there is none to quote. */
    public static String quote(String line) {
        if (line == null || !line.contains("ask")) {
            return line;
        }
        String[] parts = line.split("\n", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = quoteLine(parts[i]);
        }
        String out = String.join("\n", parts);
        return out.equals(line) ? line : out;
    }

    private static String quoteLine(String line) {
        // find "ask" at a command's start: the line's start or after an unquoted ';'
        int i = 0;
        int n = line.length();
        int commandStart = 0;
        char quote = 0;
        while (i <= n) {
            if (quote == 0 && i == commandStart) {
                int s = skipSpaces(line, i);
                int end = wordEnd(line, s);
                String word = line.substring(s, end);
                if (word.equals("ask") || word.equals("terroir:ask")) {
                    return line.substring(0, end) + question(line, end);
                }
            }
            if (i == n) {
                break;
            }
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '\\') {
                i++;
            } else if (c == ';') {
                commandStart = i + 1;
            }
            i++;
        }
        return line;
    }

    /** The options after {@code ask} as they are, then the rest as one double-quoted word. */
    private static String question(String line, int from) {
        int i = from;
        int n = line.length();
        while (true) {
            int s = skipSpaces(line, i);
            if (s >= n) {
                return line.substring(from);
            }
            int end = tokenEnd(line, s);
            String word = line.substring(s, end);
            if (VALUED.contains(word)) {
                int v = skipSpaces(line, end);
                i = v >= n ? n : tokenEnd(line, v);
            } else if (FLAGS.contains(word) || word.equals("--")) {
                i = end;
                if (word.equals("--")) {
                    return line.substring(from, i) + rest(line, i);
                }
            } else {
                return line.substring(from, i) + rest(line, i);
            }
        }
    }

    private static String rest(String line, int from) {
        String text = line.substring(from).strip();
        if (text.isEmpty() || isOneQuotedWord(text) || quotedThenNextCommand(text)) {
            return line.substring(from);
        }
        StringBuilder q = new StringBuilder(text.length() + 4).append(" \"");
        for (char c : text.toCharArray()) {
            if (c == '\'') {
                // Gogo's expander reads a ' inside double quotes as a quote of its own: close the double quotes
                // around it ("C"\'"est" is one word, C'est)
                q.append("\"\\'\"");
                continue;
            }
            if (c == '\\' || c == '"' || c == '$') {
                q.append('\\');
            }
            q.append(c);
        }
        return q.append('"').toString();
    }

    /** {@code "a b" ; models}: a question quoted the Gogo way, then another command; left to Gogo. */
    private static boolean quotedThenNextCommand(String text) {
        char q = text.charAt(0);
        if (q != '"' && q != '\'') {
            return false;
        }
        int end = tokenEnd(text, 0);
        if (end > text.length() || text.charAt(end - 1) != q || end == 1) {
            return false;
        }
        String after = text.substring(end).stripLeading();
        return after.startsWith(";") || after.startsWith("|");
    }

    private static boolean isOneQuotedWord(String text) {
        char q = text.charAt(0);
        if ((q != '"' && q != '\'') || text.length() < 2 || text.charAt(text.length() - 1) != q) {
            return false;
        }
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpaces(String line, int i) {
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int wordEnd(String line, int i) {
        while (i < line.length() && " \t;|&".indexOf(line.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /** The end of an option or its value: a bare word, or a quoted one to its closing quote. */
    private static int tokenEnd(String line, int i) {
        char c = line.charAt(i);
        if (c == '"' || c == '\'') {
            int j = i + 1;
            while (j < line.length() && line.charAt(j) != c) {
                j += c == '"' && line.charAt(j) == '\\' ? 2 : 1;
            }
            return Math.min(line.length(), j + 1);
        }
        return wordEnd(line, i);
    }
}
