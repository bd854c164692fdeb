package org.terroir.template;

/**
 * Brings a template's text to what Python's Jinja2 lexer would see, where @huggingface/jinja reads it
 * differently. Two rewrites, nothing else:
 * <ul>
 * <li>Line ends: CRLF and lone CR become LF, as Jinja2 does with its default {@code newline_sequence} (so
 *     {@code trim_blocks} and the trailing-newline rule work on a template saved with Windows line ends).
 *     Message contents are not touched: only the template's own text.</li>
 * <li>String literals inside {@code {{ }}} and {@code {% %}}: Jinja2 decodes them with Python's
 *     {@code unicode-escape}, where a backslash before a newline continues the line and an unknown escape
 *     such as {@code \d} stays as it is; @huggingface/jinja rejects both. The continuation is removed and the
 *     backslash of an unknown escape doubled. Text outside tags keeps its backslashes, as in Jinja2.</li>
 * </ul>
 */
final class SourcePreparer {
    /** Escapes @huggingface/jinja decodes itself (it also knows x and u). */
    private static final String KNOWN_ESCAPES = "ntrbfv'\"\\xu";
    /** Escapes Python decodes that @huggingface/jinja does not: left alone (the interpreter reports them). */
    private static final String PYTHON_ONLY_ESCAPES = "aUN01234567";

    private SourcePreparer() {
    }

    static String prepare(String source) {
        String text = source.indexOf('\r') < 0 ? source : source.replace("\r\n", "\n").replace('\r', '\n');
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '{' && i + 1 < n && (text.charAt(i + 1) == '{' || text.charAt(i + 1) == '%' || text.charAt(i + 1) == '#')) {
                char kind = text.charAt(i + 1);
                String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
                out.append(c).append(kind);
                i += 2;
                if (kind == '#') {
                    int end = text.indexOf(close, i);
                    end = end < 0 ? n : end + 2;
                    out.append(text, i, end);
                    i = end;
                    continue;
                }
                i = copyTag(text, i, close, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Copies the inside of one tag up to and including its closing delimiter; returns the index after it. */
    private static int copyTag(String text, int i, String close, StringBuilder out) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                out.append(c);
                i++;
                while (i < n && text.charAt(i) != c) {
                    char s = text.charAt(i);
                    if (s == '\\' && i + 1 < n) {
                        char e = text.charAt(i + 1);
                        if (e == '\n') {
                            // line continuation: Python drops both characters
                        } else if (KNOWN_ESCAPES.indexOf(e) >= 0 || PYTHON_ONLY_ESCAPES.indexOf(e) >= 0) {
                            out.append(s).append(e);
                        } else {
                            out.append("\\\\").append(e);
                        }
                        i += 2;
                    } else {
                        out.append(s);
                        i++;
                    }
                }
                if (i < n) {
                    out.append(c);
                    i++;
                }
            } else if (text.startsWith(close, i)) {
                out.append(close);
                return i + 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return i;
    }
}
