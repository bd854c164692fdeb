package org.terroir.api.chat;

import java.util.List;
import java.util.Locale;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * More presets, from any bundle (a plugin's): the chat service lists the presets of every registered provider after
 * its own, for as long as the provider is registered. Ids must not clash with the built-in ones ({@code assistant},
 * {@code grammar}, {@code summary}, {@code translation}, {@code email}, {@code brainstorm}) nor with each other: a
 * preset whose id is already taken is left out.
 *
 * @since org.terroir.api.chat 1.1.0
 */
@ConsumerType
public interface PresetProvider {
    /** This provider's presets, their names, descriptions and system prompts in {@code locale} (English or French). */
    List<Preset> presets(Locale locale);
}
