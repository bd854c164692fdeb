/**
 * Chat templates rendered as Hugging Face renders them. {@link org.terroir.template.ChatTemplate#compile} a
 * model's Jinja template once, then {@link org.terroir.template.ChatTemplate#render} it with a
 * {@link org.terroir.template.RenderInput} per request, within {@link org.terroir.template.Limits}; every failure
 * is a {@link org.terroir.template.TemplateException} with a stable code.
 *
 * <p>A plain library (no OSGi metadata): it needs GraalJS (polyglot 23.1.8 and js-community) on the class path;
 * see the module README for the list of jars.
 */
package org.terroir.template;
