package org.terroir.api.catalog;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Models that are not files of this computer but that the library lists beside its own, such as the models of a
 * remote server. The library asks every registered contributor in {@link ModelLibrary#list()} and
 * {@link ModelLibrary#find(String)}; their models can be loaded through the {@link LibraryModel#path()} they give
 * (a contributor also registers the {@link org.terroir.api.inference.ModelResolver} and backend that understand it).
 * Contributors must answer quickly (a cached list) and never throw.
 */
@ConsumerType
public interface ModelContributor {
    /** The models offered now, each named so that no library name is shadowed (e.g. {@code remote:server/model}). */
    List<LibraryModel> models();

    /** The model a reference names, or empty. */
    default Optional<LibraryModel> find(String ref) {
        return models().stream().filter(m -> m.name().equals(ref)).findFirst();
    }
}
