package org.example.terroir.feature;

import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.PresetProvider;
import org.terroir.api.inference.Sampling;

/**
 * A chat preset from a plugin: the chat service (and so the shell's {@code chat --preset haiku}, the page and
 * {@code presets}) lists it while this bundle runs, in the reader's language.
 */
@Component(service = PresetProvider.class)
public class HaikuPresets implements PresetProvider {
    static final String ID = "haiku";

    @Override
    public List<Preset> presets(Locale locale) {
        boolean fr = Locale.FRENCH.getLanguage().equals(locale.getLanguage());
        Sampling sampling = Sampling.defaults().withTemperature(0.9f);
        return List.of(fr
                ? new Preset(ID, "Haïku", "Répond par un haïku de trois vers.",
                        "Tu réponds toujours par un haïku : trois vers de cinq, sept et cinq syllabes.", sampling)
                : new Preset(ID, "Haiku", "Answers with a three-line haiku.",
                        "You always answer with a haiku: three lines of five, seven and five syllables.", sampling));
    }
}
