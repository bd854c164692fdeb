package org.terroir.template;

/**
 * A chat template could not be compiled or rendered. {@link #code()} is stable and meant for programs; the
 * message is meant for people and never holds a stack trace.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The template does not parse. */
    public static final String SYNTAX = "template.syntax";
    /** The template called {@code raise_exception(message)}; {@link #templateMessage()} is that message. */
    public static final String RAISE = "template.raise";
    /** Rendering ran past {@link Limits#renderTimeout()} or {@link Limits#maxStatements()}. */
    public static final String TIMEOUT = "template.timeout";
    /** The output, or a string built on the way, would be longer than {@link Limits#maxOutputChars()}. */
    public static final String TOO_LARGE = "template.too.large";
    /** The messages, tools or variables given to render are not valid JSON of the expected shape. */
    public static final String INPUT = "template.input";
    /** Any other failure while rendering (unknown filter, wrong type, ...), as the interpreter words it. */
    public static final String ERROR = "template.error";

    private final String code;
    private final String templateMessage;

    TemplateException(String code, String message, String templateMessage) {
        super(message);
        this.code = code;
        this.templateMessage = templateMessage;
    }

    TemplateException(String code, String message) {
        this(code, message, null);
    }

    /** One of the constants of this class, e.g. {@value #RAISE}. */
    public String code() {
        return code;
    }

    /** For {@value #RAISE}: the text the template passed to {@code raise_exception}; otherwise null. */
    public String templateMessage() {
        return templateMessage;
    }
}
