/** The one place that decides the user's language and reads French/English resource bundles. */
@Export
@Version("1.1.0")
package org.terroir.api.i18n;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
