/** A real Felix for a module's tests: the bundles under test installed and started, the api shared with the test. */
@Export
@Version("1.0.0")
package org.terroir.testkit.osgi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
