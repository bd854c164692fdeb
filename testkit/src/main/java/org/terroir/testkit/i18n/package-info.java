/** Checks of the FR/EN resource bundles every module's tests call with their bundle names. */
@Export
@Version("1.0.0")
package org.terroir.testkit.i18n;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
