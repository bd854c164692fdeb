package org.terroir.shell.internal;


import org.apache.felix.service.command.CommandSession;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;

/**
 * Windows paths survive the shell. Gogo reads a backslash as an escape, so {@code load C:\Users\me\model.gguf}
 * reached the command as {@code C:Usersmemodel.gguf}. {@link #protect} doubles the backslashes of every word that is
 * a Windows path — {@code C:\…}, {@code \\server\…}, {@code .\…}, {@code ..\…}, bare or in double quotes — before
 * Gogo reads the line, so the command gets exactly what was typed. Other words (and single quotes, which Gogo keeps
 * as they are) do not change: {@code \t}, {@code \$} and the like still work, and a path already written with doubled
 * backslashes is left alone.
 */
public final class WindowsPaths {
    private WindowsPaths() {
    }

    /** The line with the backslashes of its Windows-path words doubled; the same string when it holds none. */
    public static String protect(String line) {
        // ask takes the rest of its line as the question (AskLine): such a line is quoted whole, paths included.
        String asked = AskLine.quote(line);
        if (asked != line) {
            return asked;
        }
        if (line == null || line.indexOf('\\') < 0) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length() + 8);
        int i = 0;
        int n = line.length();
        boolean wordStart = true;
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\'') {
                // single quotes: Gogo keeps their content as it is
                int end = line.indexOf('\'', i + 1);
                end = end < 0 ? n : end + 1;
                out.append(line, i, end);
                i = end;
                wordStart = false;
                continue;
            }
            if (wordStart && c == '"' && isWindowsPath(line, i + 1)) {
                int end = line.indexOf('"', i + 1); // a Windows path holds no double quote
                end = end < 0 ? n : end;
                out.append('"').append(doubled(line.substring(i + 1, end)));
                if (end < n) {
                    out.append('"');
                }
                i = Math.min(n, end + 1);
                wordStart = false;
                continue;
            }
            if (wordStart && isWindowsPath(line, i)) {
                int end = i;
                while (end < n && !isWordEnd(line.charAt(end))) {
                    end++;
                }
                out.append(doubled(line.substring(i, end)));
                i = end;
                wordStart = false;
                continue;
            }
            if (c == '"') {
                // another double-quoted word: copied with its escapes, to its closing quote
                int end = i + 1;
                while (end < n && line.charAt(end) != '"') {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
                out.append(line, i, end);
                i = end;
                wordStart = false;
                continue;
            }
            if (c == '\\') {
                // an escape outside a path: it and the character it escapes
                int end = Math.min(n, i + 2);
                out.append(line, i, end);
                i = end;
                wordStart = false;
                continue;
            }
            out.append(c);
            wordStart = isWordEnd(c) || c == '=' || c == '(' || c == '{' || c == '[';
            i++;
        }
        return out.toString();
    }

    /** {@code C:\}, {@code \\x}, {@code .\}, {@code ..\} at {@code at}. */
    static boolean isWindowsPath(String s, int at) {
        int n = s.length();
        if (at + 2 < n && Character.isLetter(s.charAt(at)) && s.charAt(at + 1) == ':' && s.charAt(at + 2) == '\\') {
            return true;
        }
        if (at + 2 < n && s.charAt(at) == '\\' && s.charAt(at + 1) == '\\' && s.charAt(at + 2) != '\\'
                && !isWordEnd(s.charAt(at + 2))) {
            return true;
        }
        if (at + 1 < n && s.charAt(at) == '.' && s.charAt(at + 1) == '\\') {
            return true;
        }
        return at + 2 < n && s.charAt(at) == '.' && s.charAt(at + 1) == '.' && s.charAt(at + 2) == '\\';
    }

    private static boolean isWordEnd(char c) {
        return Character.isWhitespace(c) || c == ';' || c == '|' || c == ')' || c == '}' || c == ']';
    }

    /** Every backslash doubled, unless the word already escapes them (a {@code \\} after its start). */
    private static String doubled(String word) {
        int from = word.startsWith("\\\\") ? 2 : 0;
        if (word.indexOf("\\\\", from) >= 0) {
            return word;
        }
        return word.replace("\\", "\\\\");
    }

    /**
     * Puts {@link #protect} in front of the parser of the session's line reader (gogo.jline keeps it in the session
     * as {@code .reader}), for the lines the user accepts; completion and highlighting see the line as typed. Does
     * nothing when there is no such reader (scripts) or it is already done.
     */
    public static void install(CommandSession session) {
        Object value = session.get(".reader");
        if (!(value instanceof LineReader reader) || reader.getParser() instanceof Protecting) {
            return;
        }
        try {
            reader.getClass().getMethod("setParser", Parser.class).invoke(reader, new Protecting(reader.getParser()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(WindowsPaths.class.getName()).log(System.Logger.Level.INFO,
                    "Windows paths are not protected in this console", e);
        }
    }

    /** The console's parser, given the protected line when the user presses Enter. */
    static final class Protecting implements Parser {
        private final Parser delegate;

        Protecting(Parser delegate) {
            this.delegate = delegate;
        }

        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) throws SyntaxError {
            if (context == ParseContext.ACCEPT_LINE) {
                String safe = protect(line);
                if (!safe.equals(line)) {
                    int moved = Math.max(0, Math.min(safe.length(), cursor + safe.length() - line.length()));
                    return delegate.parse(safe, moved, context);
                }
            }
            return delegate.parse(line, cursor, context);
        }

        @Override
        public boolean isEscapeChar(char ch) {
            return delegate.isEscapeChar(ch);
        }

        @Override
        public boolean validCommandName(String name) {
            return delegate.validCommandName(name);
        }

        @Override
        public boolean validVariableName(String name) {
            return delegate.validVariableName(name);
        }

        @Override
        public String getCommand(String line) {
            return delegate.getCommand(line);
        }

        @Override
        public String getVariable(String line) {
            return delegate.getVariable(line);
        }
    }
}
