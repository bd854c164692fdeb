/** Energy and carbon accounting: what an answer cost, measured where the hardware says, estimated otherwise. */
@Export
@Version("1.2.0")
package org.terroir.api.energy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
