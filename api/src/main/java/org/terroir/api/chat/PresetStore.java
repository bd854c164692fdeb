package org.terroir.api.chat;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The user's own presets, kept one per file under {@code TERROIR_HOME/presets/} (private to the user). They are
 * listed by {@link ChatService#presets()} after the built-in ones and can start conversations like them. Every
 * method that refuses something throws a {@link org.terroir.api.TerroirException} whose message is in
 * {@code locale} (English or French) and whose kind is {@code BAD_REQUEST} (invalid preset or file, a name already
 * taken) or {@code NOT_FOUND} (no such preset).
 *
 * @since org.terroir.api.chat 1.2.0
 */
@ProviderType
public interface PresetStore {

    /** The user's presets, by name. */
    List<Preset> list();

    Optional<Preset> get(String id);

    /**
     * Keeps a new preset. Its id is made from its name when null or blank; a name or id already used by a built-in
     * or user preset is refused. A null sampling means the defaults.
     */
    Preset create(Preset preset, Locale locale);

    /** Replaces the user preset {@code id} (a built-in preset cannot be changed: make a copy). The id stays. */
    Preset update(String id, Preset preset, Locale locale);

    /** Deletes a user preset; false when there was none. */
    boolean delete(String id);

    /** The presets {@code ids} (all of them when empty) as a JSON document that {@link #importJson} reads back. */
    String export(Collection<String> ids, Locale locale);

    /**
     * Reads presets exported by {@link #export} (one document, or one preset object) and keeps them all or none.
     * A name already taken gets " (2)", " (3)"… when {@code renameOnClash}, and refuses the whole file otherwise.
     *
     * @return the presets kept, as stored
     */
    List<Preset> importJson(String json, boolean renameOnClash, Locale locale);
}
